"""Collecting rule errors during a load, so that loading goes on and reports them all with their lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marshmallow import ValidationError
from marshmallow.fields import Field

from .errors import ErrorKind, RuleError
from .yamlsource import LineDict


class Collector:
    """Gathers RuleErrors so that loading goes on and reports them all."""

    def __init__(self) -> None:
        self.errors: list[RuleError] = []

    def add(
        self,
        message: str,
        file: str | None,
        line: int | None = None,
        rule: str | None = None,
        kind: ErrorKind = ErrorKind.OTHER,
        key: str | None = None,
    ) -> None:
        """Record one located error."""
        self.errors.append(RuleError(message, file, line, rule, kind, key))

    def marshmallow(self, error: ValidationError, file: str, node: Any, rule: str | None = None) -> None:
        """Report each field of a marshmallow error at the line of that field."""
        for field_name, messages in flatten_messages(error.messages):
            top = field_name.split(".")[0]
            line = node.line_of(top) if isinstance(node, LineDict) else getattr(node, "line", None)
            if isinstance(node, LineDict) and top == "_rule":
                line = node.line
            message = f"{field_name}: {'; '.join(messages)}" if top != "_rule" else "; ".join(messages)
            self.add(message, file, line, rule, schema_kind(messages), None if top in ("_rule", "_schema") else field_name)


# The two structural schema errors: an unknown key (marshmallow's "Unknown field.", renamed) and a missing one.
_UNKNOWN_KEY = "unknown key"
_MISSING_KEY = Field.default_error_messages["required"]


def schema_kind(messages: list[str]) -> ErrorKind:
    """The error kind of a field's marshmallow messages."""
    if messages == [_UNKNOWN_KEY]:
        return ErrorKind.UNKNOWN_KEY
    if messages == [_MISSING_KEY]:
        return ErrorKind.MISSING_KEY
    return ErrorKind.BAD_VALUE


def flatten_messages(messages: Any, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """Marshmallow's nested messages as (dotted field name, messages) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from flatten_messages(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list):
        if all(isinstance(message, str) for message in messages):
            yield prefix or "_schema", [message.replace("Unknown field.", _UNKNOWN_KEY) for message in messages]
        else:
            for message in messages:
                yield from flatten_messages(message, prefix)
    else:
        yield prefix or "_schema", [str(messages)]
