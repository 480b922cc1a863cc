"""Compile a rule directory in a forked child that writes the disk cache, so the caller's heap never holds the compile.

Compiling the default rules allocates more than twice what the compiled ruleset keeps, and a process
does not give that memory back. The gunicorn master forks its workers from its own heap, so it lets a
short-lived child compile, then loads the compact result from the cache file the child wrote.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path

from ..engine import Ruleset, RuleSetError, load_ruleset

# The child reports back on a pipe, not by its exit status: gunicorn's master reaps every child it has.
OK = b"ok"


def compile_message(directory: str | Path, cache_dir: str | Path) -> bytes:
    """Compile into the cache: OK, or the pickled RuleSetError (or RuntimeError) to raise in the caller."""
    try:
        load_ruleset(directory, cache_dir=cache_dir, memo=False)
        return OK
    except RuleSetError as error:
        return pickle.dumps(error)
    except BaseException as error:  # noqa: BLE001 - anything else is reported to the parent, which raises it
        return pickle.dumps(RuntimeError(f"compiling the rules failed: {error!r}"))


def _compile_and_report(directory: str | Path, cache_dir: str | Path, report: int) -> None:
    """In the child: compile into the cache and write the message to `report`."""
    message = compile_message(directory, cache_dir)
    with os.fdopen(report, "wb") as pipe:
        pipe.write(message)


def compile_in_child(directory: str | Path, cache_dir: str | Path) -> Ruleset:
    """Compile `directory` in a forked child, then load what it wrote to `cache_dir`; raises RuleSetError."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compile, report, and leave without running the parent's exit handlers
        os.close(read_end)
        code = 0
        try:
            _compile_and_report(directory, cache_dir, write_end)
        except BaseException:  # noqa: BLE001 - the parent reads an empty report as a failure
            code = 1
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read()
    with contextlib.suppress(ChildProcessError):  # gunicorn's master may have reaped it already
        os.waitpid(pid, 0)
    if message != OK:
        error = pickle.loads(message) if message else RuntimeError("the rule compiler process died")  # noqa: S301 - our own child
        raise error
    return load_ruleset(directory, cache_dir=cache_dir, memo=False)
