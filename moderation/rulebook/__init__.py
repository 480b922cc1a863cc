"""The live ruleset: loaded at start, swapped whole on reload, watched for changed files in every process."""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from ..engine import CATEGORIES, Policies, Ruleset, RuleSetError, load_ruleset
from ..engine.files import rule_file_paths
from ..engine.overlay import load_sites
from .compile_child import compile_in_child
from .compiler import Compiler

log = logging.getLogger(__name__)

# A change seen by the watcher is loaded only once the files have stayed put this long, so an
# editor's half-written save is not reported as an error a moment before the real one lands.
SETTLE_SECONDS = 0.2
DEFAULT_RELOAD_INTERVAL = 0.25  # a stat() of each rule file: cheap enough to look four times a second

Fingerprint = tuple[tuple[str, int, int, int], ...]


def fingerprint(directory: str | Path) -> Fingerprint:
    """A cheap signature of a rule directory (names, sizes, mtimes, inodes), read without opening a file."""
    root = Path(directory)
    signature = []
    for path in rule_file_paths(root, with_sites=True):
        try:
            stat = path.stat()
        except OSError:  # deleted between listing and stat: the next poll sees the new state
            continue
        signature.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(signature)


@dataclass(frozen=True)
class LoadFailure:
    """A refused load: when it happened and every error found (the last good ruleset stays live)."""

    error: RuleSetError
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON form for GET /v1/rules."""
        return {
            "message": f"{len(self.error.errors)} error(s) in the rule files; the last good ruleset stays live",
            "at": self.at.isoformat(),
            "errors": [problem.to_dict() for problem in self.error.errors],
        }


class RuleBook:
    """Holds the current ruleset snapshot and the last load error; reload() swaps the snapshot atomically.

    With `cache_dir`, compiled rulesets are kept on disk keyed by the files' digest, so a restart with
    unchanged rules loads instead of compiling. A gunicorn master that preloads the app sets
    `compile_in_child` and `after_reload` (moderation.web.serving): it compiles off its own heap and
    replaces its workers by fresh forks, which then need no watcher of their own (`watch_after_fork`).
    """

    def __init__(self, directory: str, load: bool = True, cache_dir: str | None = None, memo: bool = True):
        self.directory = directory
        self.cache_dir = cache_dir
        self.memo = memo
        self._policies: Policies | None = None
        self.loaded_at: datetime | None = None
        self.failure: LoadFailure | None = None
        self.checked_at: datetime | None = None
        self._seen: Fingerprint = fingerprint(directory)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.watcher: threading.Thread | None = None
        self.interval = 0.0
        self.compile_in_child = False
        self.compiler: Compiler | None = None  # the master's warm compiler process (rulebook.compiler), when it runs one
        self.watch_after_fork = True
        self.after_reload: list[Callable[[], None]] = []
        if load:
            self._install(self._load())

    def _load(self) -> Policies:
        """The shared rules (from the disk cache, or compiled in a child when the master asks) and the sites on them."""
        if self.compile_in_child and self.cache_dir:
            if self.compiler is not None:
                shared = self.compiler.compile(self.directory, self.cache_dir)
            else:
                shared = compile_in_child(self.directory, self.cache_dir)
        else:
            shared = load_ruleset(self.directory, cache_dir=self.cache_dir, memo=self.memo)
        return load_sites(shared, self.directory)

    @property
    def current(self) -> Ruleset:
        """The live shared ruleset (loaded on first use when the book was made without loading)."""
        return self.policies.shared

    @property
    def policies(self) -> Policies:
        """The live shared ruleset and every site's overlay, one snapshot (loaded on first use)."""
        policies = self._policies
        if policies is None:
            self.reload()
            policies = self._policies
            assert policies is not None
        return policies

    def for_site(self, site: str | None) -> Ruleset:
        """The live ruleset of a comment's site: its overlay, else the shared rules."""
        return self.policies.for_site(site)

    @property
    def last_error(self) -> RuleSetError | None:
        """The errors of the last refused load, or None when the last load succeeded."""
        return self.failure.error if self.failure else None

    def _install(self, policies: Policies) -> None:
        # One reference assignment: a request holds the snapshot it started with, shared rules and overlays alike.
        self._policies = policies
        self.loaded_at = datetime.now(UTC)
        self.failure = None

    def reload(self) -> Ruleset:
        """Load the directory again; on success swap the snapshot, on failure keep the old one and raise."""
        with self._lock:
            self._seen = fingerprint(self.directory)
            try:
                policies = self._load()
            except RuleSetError as error:
                self.failure = LoadFailure(error, datetime.now(UTC))
                raise
            previous = _versions(self._policies)
            self._install(policies)
        if previous != _versions(policies):
            log.info("rules reloaded from %s: versions %s (were %s)", self.directory, _versions(policies), previous)
        return policies.shared

    def check_for_changes(self, settle: float = SETTLE_SECONDS) -> bool:
        """Reload when the files changed since the last load; True when a reload was tried."""
        self.checked_at = datetime.now(UTC)
        seen = fingerprint(self.directory)
        if seen == self._seen:
            return False
        if settle > 0:
            time.sleep(settle)
            if fingerprint(self.directory) != seen:
                return False  # still being written: look again at the next poll
        try:
            self.reload()
        except RuleSetError as error:
            log.warning("rule files in %s refused, keeping version %s:\n%s", self.directory, self.version_or_none(), error)
        for listener in self.after_reload:
            listener()
        return True

    def version_or_none(self) -> str | None:
        """The live version without loading anything."""
        return self._policies.shared.version if self._policies else None

    def versions_or_none(self) -> dict[str, str] | None:
        """The live version of every policy ("default" and each site's) without loading anything."""
        return _versions(self._policies)

    def renew_locks(self) -> None:
        """New lock and stop event, after a fork or after gevent patched threading (no thread is using them)."""
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def start_watching(self, interval: float) -> None:
        """Poll the directory every `interval` seconds from a daemon thread in this process."""
        if self.watcher is not None and self.watcher.is_alive():
            return
        self.interval = interval
        self._stop.clear()
        self.watcher = threading.Thread(target=self._watch, args=(os.getpid(),), name="rules-watcher", daemon=True)
        self.watcher.start()

    def stop_watching(self, timeout: float = 5.0) -> None:
        """Stop the watcher thread (tests; a server's daemon thread simply ends with the process)."""
        self._stop.set()
        if self.watcher is not None:
            self.watcher.join(timeout)
            self.watcher = None

    def _watch(self, pid: int) -> None:
        while not self._stop.wait(self.interval):
            if os.getpid() != pid:
                # A greenlet (gevent) outlives a fork: the child's copy of a parent's watcher parks for good
                # (ending would trip threading's bookkeeping, which forgot it at the fork).
                threading.Event().wait()
            try:
                self.check_for_changes()
            except Exception:  # a watcher that dies silently would leave the process on stale rules
                log.exception("rules watcher: unexpected error; still watching")


def _versions(policies: Policies | None) -> dict[str, str] | None:
    """The version of every policy ("default" and each site), to log what a reload changed."""
    if policies is None:
        return None
    return {policies.shared.policy: policies.shared.version, **{site: ruleset.version for site, ruleset in policies.sites.items()}}


def explain(ruleset: Ruleset, text: str) -> dict[str, Any]:
    """Everything the rules do with a text: normalised form, every hit, category scores and the decision."""
    assessment = ruleset.assess(text)
    decision = assessment.decision
    locations = {rule.id: rule.location for rule in ruleset.rules}
    hits = []
    for hit in assessment.hits:
        location = locations.get(hit.rule)
        hits.append(
            {
                **hit.to_dict(),
                "score": hit.score,
                "decides": hit.mode == "enforce" and hit.category in decision.categories,
                "file": location.file if location else None,
                "line": location.line if location else None,
            }
        )
    scores = []
    for category in CATEGORIES:
        score = assessment.scores.get(category, 0.0)
        threshold = ruleset.settings.threshold(category)
        scores.append({"category": category, "score": score, "threshold": threshold, "rejects": category in decision.categories})
    return {
        "ruleset": ruleset.version,
        "policy": ruleset.policy,
        "decision": decision.decision,
        "categories": list(decision.categories),
        "normalized": assessment.folded,
        "hits": hits,
        "scores": scores,
        "reasons": [reason.to_dict() for reason in decision.reasons],
    }


def site_summary(shared: Ruleset, site: Ruleset) -> dict[str, Any]:
    """What a site's overlay changes: its own rules, the shared rules it disables or shadows, its thresholds that differ."""
    shared_rules = {rule.id: rule for rule in shared.rules}
    in_force = {rule.id: rule for rule in site.rules}
    return {
        "site": site.policy,
        "version": site.version,
        "file": f"sites/{site.policy}.yml",
        "rules": len(site.rules),
        "own_rules": [rule.id for rule in site.rules if rule.id not in shared_rules],
        "disabled": sorted(shared_rules.keys() - in_force.keys()),
        "shadowed": [rid for rid, rule in in_force.items() if rid in shared_rules and rule.mode != shared_rules[rid].mode],
        "thresholds": {
            category: site.settings.threshold(category)
            for category in CATEGORIES
            if site.settings.threshold(category) != shared.settings.threshold(category)
        },
    }


def get_rulebook() -> RuleBook:
    """The application's RuleBook."""
    rulebook: RuleBook = current_app.extensions["moderation.rules"]
    return rulebook


def reload_interval(app: Flask) -> float:
    """Seconds between checks of the rule files (0 = no watcher); tests default to 0 so they spawn no threads."""
    value = app.config.get("RULES_RELOAD_INTERVAL")
    if value is None or value == "":
        return 0.0 if app.testing else DEFAULT_RELOAD_INTERVAL
    try:
        interval = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"RULES_RELOAD_INTERVAL must be a number of seconds, not {value!r}") from None
    return max(interval, 0.0)


def init_app(app: Flask) -> None:
    """Load the rules (a broken directory stops the start with every error listed) and start the watcher."""
    # The CLI builds an app too; it must start even when the live rules are broken, so it loads lazily.
    cache_dir = app.config.get("RULES_CACHE_DIR") or os.path.join(app.instance_path, "compiled-rules")
    # A server keeps one ruleset in memory; test apps share each compiled ruleset (memo) to start fast.
    rulebook = RuleBook(app.config["RULES_DIR"], load=app.config.get("RULES_LOAD_AT_START", True), cache_dir=cache_dir, memo=app.testing)
    app.extensions["moderation.rules"] = rulebook
    interval = reload_interval(app)
    if interval > 0:
        rulebook.start_watching(interval)
        # gunicorn --preload forks after the app is built, and threads do not survive a fork.
        book = weakref.ref(rulebook)
        os.register_at_fork(after_in_child=lambda: _restart_after_fork(book, interval))


def _restart_after_fork(book: weakref.ref[RuleBook], interval: float) -> None:
    rulebook = book()
    if rulebook is None or rulebook._stop.is_set() or not rulebook.watch_after_fork:
        return
    # The parent's watcher may have held the lock at the fork; the child starts with a fresh one.
    rulebook.renew_locks()
    rulebook.watcher = None
    rulebook.start_watching(interval)
