"""The engine's error classes: one root error that carries file, line and rule id."""

from __future__ import annotations


class RuleError(Exception):
    """A problem in a rule directory, located by file, line and rule id where known."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None, rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.rule = rule

    def location(self) -> str:
        """Return "file:line", or as much of it as is known."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "<rules>"

    def to_dict(self) -> dict[str, object]:
        """JSON form for the API and the CLI's --json output."""
        return {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.location()}{rule}: {self.message}"


class RuleSetError(RuleError):
    """Every error found while loading a rule directory, reported at once."""

    def __init__(self, errors: list[RuleError]):
        super().__init__(f"{len(errors)} error(s) in the rules")
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
