"""The engine's errors: a located RuleError of a typed kind, and RuleSetError, every error of one load."""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorKind(Enum):
    """What sort of problem a RuleError is, so that tools choose advice without reading its message."""

    UNKNOWN_KEY = "unknown_key"
    MISSING_KEY = "missing_key"
    BAD_VALUE = "bad_value"
    DUPLICATE_KEY = "duplicate_key"
    DUPLICATE_ID = "duplicate_id"
    YAML_SYNTAX = "yaml_syntax"
    BAD_TEMPLATE = "bad_template"
    UNKNOWN_LEXICON = "unknown_lexicon"
    EXAMPLE_NOT_FIRED = "example_not_fired"
    EXAMPLE_FIRED = "example_fired"
    LIMIT = "limit"
    LAYOUT = "layout"
    OTHER = "other"

    @property
    def hint(self) -> str | None:
        """What to do about an error of this kind, when the message alone does not say it."""
        return _HINTS.get(self)


_HINTS = {
    ErrorKind.UNKNOWN_KEY: "remove it; docs/rules.md lists the keys",
    ErrorKind.EXAMPLE_NOT_FIRED: (
        "widen the rule so it matches this text, or drop the example; `rules explain --rules DIR TEXT` shows what fires"
    ),
    ErrorKind.EXAMPLE_FIRED: "add an `unless:` exception or narrow the rule; `rules explain --rules DIR TEXT` shows the match",
    ErrorKind.YAML_SYNTAX: "check the indentation and quotes on this line and the one before",
    ErrorKind.UNKNOWN_LEXICON: "define it in a file under lexicons/ or fix the name",
    ErrorKind.DUPLICATE_KEY: "keep one of them",
}


class RuleError(Exception):
    """A problem in a rule directory, located by file, line and rule id where known.

    `key` is the dotted path of the key a schema error is about (examples.reject), when there is one.
    """

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        rule: str | None = None,
        kind: ErrorKind = ErrorKind.OTHER,
        key: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.rule = rule
        self.kind = kind
        self.key = key

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RuleError:
        """Rebuild an error from to_record() (errors crossing a process boundary)."""
        fields = dict(record)
        kind = ErrorKind(fields.pop("kind", ErrorKind.OTHER.value))
        return cls(kind=kind, **fields)

    def location(self) -> str:
        """Return "file:line", or as much of it as is known."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "<rules>"

    def to_dict(self) -> dict[str, object]:
        """JSON form for the API and the CLI's --json output."""
        return {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}

    def to_record(self) -> dict[str, Any]:
        """Everything the error holds, kind and key included, as plain data."""
        return {**self.to_dict(), "kind": self.kind.value, "key": self.key}

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.location()}{rule}: {self.message}"


class RuleSetError(Exception):
    """Every error found while loading a rule directory, reported at once (a collection: it has no location)."""

    def __init__(self, errors: list[RuleError]):
        super().__init__(f"{len(errors)} error(s) in the rules")
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
