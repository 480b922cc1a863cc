"""Try candidate rule files in a child process under time and memory limits: nothing of theirs stays in the worker.

The worker makes a scratch directory and runs `python -m moderation.rulebook.candidates SECONDS MEBIBYTES`
with the request as JSON on stdin; the child limits itself (setrlimit) before it reads the
candidate, copies the live rule files and the candidate files into the scratch directory, compiles
and explains, and answers JSON on stdout. The worker kills it at the wall-clock limit (the kernel
does at the CPU limit) and removes the scratch directory whatever happened.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import RuleError, RuleSetError
from ..engine.files import SITES_DIR, rule_file_paths
from ..engine.loader import RuleLoader
from ..engine.overlay import load_sites
from . import explain

# The child's exit status when it ran out of memory (it still has the few bytes to exit).
_OUT_OF_MEMORY = 3
# Signals of the CPU limit: SIGXCPU at the soft limit, SIGKILL at the hard one.
_CPU_SIGNALS = (-signal.SIGXCPU, -signal.SIGKILL)
# One candidate compile at a time per worker: each child may use the whole memory limit.
_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


@dataclass(frozen=True)
class SandboxLimits:
    """What one candidate test may spend: CPU seconds (twice that in wall-clock time) and address space in MiB."""

    seconds: float
    memory_mb: int

    @property
    def wall_seconds(self) -> float:
        """Wall-clock limit: room for a busy machine, where CPU time comes slower than the clock."""
        return 2 * self.seconds


class SandboxLimitError(Exception):
    """The candidate went over a limit of the sandbox; budget names it ("time" or "memory")."""

    def __init__(self, budget: str, message: str):
        super().__init__(message)
        self.budget = budget
        self.message = message


class SandboxBusyError(Exception):
    """Another candidate test is running in this worker."""


def explain_candidate(
    live_directory: str, files: dict[str, str | None], text: str, check_examples: bool, limits: SandboxLimits, site: str | None = None
) -> dict[str, Any]:
    """Explain text with the candidate files laid over the live directory, in a child process under the limits.

    Raises RuleSetError for errors in the files, SandboxLimitError over a limit, SandboxBusyError when
    another candidate test runs in this process.
    """
    if not _ONE_AT_A_TIME.acquire(blocking=False):
        raise SandboxBusyError("another candidate test is running in this worker")
    try:
        # Made and removed here, not in the child: a child killed at a limit leaves nothing behind.
        with tempfile.TemporaryDirectory(prefix="moderation-candidate-") as scratch:
            request: dict[str, Any] = {"live": live_directory, "root": scratch, "files": files, "text": text}
            request.update(check_examples=check_examples, site=site)
            command = [sys.executable, "-m", "moderation.rulebook.candidates", str(limits.seconds), str(limits.memory_mb)]
            try:
                # S603: a fixed command; the candidate travels on stdin, never on the command line.
                completed = subprocess.run(  # noqa: S603
                    command, input=json.dumps(request), capture_output=True, encoding="utf-8", timeout=limits.wall_seconds, check=False
                )
            except subprocess.TimeoutExpired:  # run() has killed the child
                raise SandboxLimitError("time", _over_time(limits)) from None
    finally:
        _ONE_AT_A_TIME.release()
    return _answer(completed, limits)


def _over_time(limits: SandboxLimits) -> str:
    return (
        f"The candidate rules took longer than the time budget of a rule test ({limits.seconds:g} s of CPU, "
        f"{limits.wall_seconds:g} s in all) to compile and run."
    )


def _answer(completed: subprocess.CompletedProcess[str], limits: SandboxLimits) -> dict[str, Any]:
    if completed.returncode == _OUT_OF_MEMORY:
        raise SandboxLimitError(
            "memory", f"The candidate rules need more than the memory budget of a rule test ({limits.memory_mb} MiB) to compile."
        )
    if completed.returncode in _CPU_SIGNALS:
        raise SandboxLimitError("time", _over_time(limits))
    if completed.returncode != 0:
        raise RuntimeError(f"candidate sandbox failed with status {completed.returncode}: {completed.stderr[-2000:]}")
    answer: dict[str, Any] = json.loads(completed.stdout)
    if "errors" in answer:
        raise RuleSetError([RuleError.from_record(error) for error in answer["errors"]])
    explanation: dict[str, Any] = answer["explanation"]
    return explanation


# --- the child -------------------------------------------------------------------------------------


def _limit_self(seconds: float, memory_mb: int) -> None:
    """Cap this process's address space and CPU time; the kernel enforces both."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _lay_over(live: Path, root: Path, files: dict[str, str | None]) -> None:
    """Copy the live rule files into root, then write (or remove) the candidate files."""
    (root / "lexicons").mkdir()
    (root / SITES_DIR).mkdir()
    for path in rule_file_paths(live, with_sites=True):
        shutil.copyfile(path, root / path.relative_to(live))
    for name, content in files.items():
        target = (root / name).resolve()
        # The schema allows only `x.yml` and `lexicons/x.yml`; this is the second lock on the door.
        if not target.is_relative_to(root) or target.parent not in (root, root / "lexicons", root / SITES_DIR):
            raise RuleSetError([RuleError("a candidate file name leaves the rule directory", name)])
        if content is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(content, encoding="utf-8")


def _compile_and_explain(
    live: str, scratch: str, files: dict[str, str | None], text: str, check_examples: bool, site: str | None = None
) -> dict[str, Any]:
    root = Path(scratch).resolve()
    try:
        _lay_over(Path(live), root, files)
        # RuleLoader, not load_ruleset: no cache of compiled rulesets for a candidate.
        # Errors name files relative to the directory, and the directory as <candidate>: never the temporary path.
        shared = RuleLoader(root, check_examples=check_examples, shown_as="<candidate>").load()
        ruleset = load_sites(shared, root, check_examples, reuse=False, shown_as="<candidate>").for_site(site)
    except RuleSetError as error:
        return {"errors": [problem.to_record() for problem in error.errors]}
    return {"explanation": explain(ruleset, text)}


def main() -> None:
    """The child: limit itself, read the request on stdin, answer on stdout."""
    _limit_self(float(sys.argv[1]), int(sys.argv[2]))
    try:
        request = json.load(sys.stdin)
        answer = _compile_and_explain(
            request["live"], request["root"], request["files"], request["text"], request["check_examples"], request.get("site")
        )
        output = json.dumps(answer)
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)
    sys.stdout.write(output)


if __name__ == "__main__":
    main()
