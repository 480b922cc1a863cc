"""Compiled rulesets kept for reuse: in this process by content, and on disk keyed by the rule files' digest.

A Ruleset is an immutable snapshot, so loading the same files again (every app in a test run, every
reload without a change, a restart with unchanged rules) can share or reload it instead of compiling.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Iterator
from pathlib import Path

from .files import RuleFiles, read_rule_files
from .loader import RuleLoader
from .overlay import Policies, load_sites
from .ruleset import Ruleset
from .syntax import forget_parses

log = logging.getLogger(__name__)
_COMPILED: dict[tuple[str, bool], Ruleset] = {}
_COMPILED_MAX = 8
# Bumped whenever the compiled form changes, so that an old cache file is never read by new code.
FORMAT = 6


def _engine_source_digest() -> str:
    """A digest of the engine's own source files, so that a cache file written by other engine code is never read.

    FORMAT alone relies on a developer remembering to bump it; an upgrade (or a branch switch) that changes how
    compiled objects behave without changing their pickled shape would otherwise load a stale ruleset.
    """
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.relative_to(Path(__file__).parent).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


ENGINE_DIGEST = _engine_source_digest()


def content_key(directory: Path, files: RuleFiles | None = None) -> str:
    """A digest of every rule file's path and bytes (their one digest), the engine's compiled format and its code."""
    files = files or read_rule_files(directory)
    return hashlib.sha256(f"{FORMAT}:{ENGINE_DIGEST}:{sys.version_info[:2]}:{files.digest}".encode()).hexdigest()


def _read_cache(path: Path) -> Ruleset | None:
    try:
        with path.open("rb") as handle:
            ruleset = pickle.load(handle)  # noqa: S301 - a file this service wrote into its own cache directory
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError) as error:
        # a torn or stale file is only a missed cache
        log.warning("ignoring unreadable compiled-rules cache %s: %s", path, error)
        return None
    return ruleset if isinstance(ruleset, Ruleset) else None


def _write_cache(path: Path, ruleset: Ruleset) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        with scratch.open("wb") as handle:
            pickle.dump(ruleset, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch, path)  # readers see the old file or the whole new one
    except OSError as error:
        log.warning("cannot write the compiled-rules cache %s: %s", path, error)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a ruleset is compiled or unpickled (in this thread's doing).

    Both make hundreds of thousands of objects that all live on, and the collector would go over them
    again and again as they pile up: 14% of a compile's CPU, 40% of reading a cache file.

    Afterwards they all go to the oldest generation (gc.freeze() then gc.unfreeze() moves every tracked
    object there) rather than stay young: the first young collection would otherwise go over every one
    of them at once (0.08 s after a compile) only to find them alive. The few cycles a compile leaves
    are collected at the next full collection.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def load_ruleset(
    directory: str | Path, check_examples: bool = True, cache_dir: str | Path | None = None, reuse: bool = True, memo: bool = True
) -> Ruleset:
    """Load and compile a rule directory; raises RuleSetError with every error found.

    With `cache_dir`, a compiled ruleset of the same files is read from there instead of compiled,
    and a fresh compile is written there. `reuse=False` compiles afresh and keeps nothing (candidates).
    `memo=False` uses the caches but keeps no reference in this process (a server's reloads would pile up).
    """
    with _collector_paused():
        return _load_ruleset(directory, check_examples, cache_dir, reuse, memo)


def _load_ruleset(directory: str | Path, check_examples: bool, cache_dir: str | Path | None, reuse: bool, memo: bool) -> Ruleset:
    path = Path(directory)
    if not path.is_dir() or not reuse:
        return RuleLoader(directory, check_examples).load()
    # Read once: the same bytes give the cache key and, on a miss, the compiled ruleset and its version.
    files = read_rule_files(path)
    key = (content_key(path, files), check_examples)
    cached = _COMPILED.get(key)
    if cached is not None:
        return cached
    cache_file = Path(cache_dir) / f"rules-{key[0][:32]}-{int(check_examples)}.pickle" if cache_dir else None
    ruleset = _read_cache(cache_file) if cache_file else None
    if ruleset is None:
        ruleset = RuleLoader(directory, check_examples, files).load()
        if cache_file:
            _write_cache(cache_file, ruleset)
    if memo:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = ruleset
    return ruleset


def load_policies(directory: str | Path, check_examples: bool = True, cache_dir: str | Path | None = None, reuse: bool = True) -> Policies:
    """The shared ruleset (as load_ruleset) and every site overlay of the directory; RuleSetError lists every error."""
    shared = load_ruleset(directory, check_examples, cache_dir, reuse)
    try:
        return load_sites(shared, directory, check_examples, reuse)
    finally:
        forget_parses()  # the overlays' parses too: nothing of a compile need stay in the process
