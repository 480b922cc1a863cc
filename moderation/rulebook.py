"""The live ruleset: loaded at start, swapped whole on reload so requests never see half-loaded rules."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from .engine import Ruleset, RuleSetError, load_ruleset


class RuleBook:
    """Holds the current ruleset snapshot and the last load error."""

    def __init__(self, directory: str):
        self.directory = directory
        self.current: Ruleset = load_ruleset(directory)
        self.last_error: RuleSetError | None = None
        self._lock = threading.Lock()

    def reload(self) -> Ruleset:
        """Load the directory again; on success swap the snapshot, on failure keep the old one and raise."""
        with self._lock:
            try:
                ruleset = load_ruleset(self.directory)
            except RuleSetError as error:
                self.last_error = error
                raise
            self.current = ruleset
            self.last_error = None
            return ruleset


def get_rulebook() -> RuleBook:
    """The application's RuleBook."""
    rulebook: RuleBook = current_app.extensions["moderation.rules"]
    return rulebook


def init_app(app: Flask) -> None:
    """Load the rules; a rule directory with errors stops the start with every error listed."""
    app.extensions["moderation.rules"] = RuleBook(app.config["RULES_DIR"])
