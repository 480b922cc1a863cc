"""Marshmallow fields for hostile input: strings without control characters or lone surrogates."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import ValidationError, fields

# C0 controls except tab, line feed and carriage return; DEL; lone surrogates. C1 controls (U+0080-U+009F)
# are allowed: they are what text encoded in Windows-1252 or UTF-8 and read as Latin-1 leaves behind
# ("It\x92s"), a commenter's broken software rather than an attack; the engine reads them as what they meant.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_FORBIDDEN_SINGLE_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def forbidden_character(value: str, multiline: bool) -> str | None:
    """Describe the first forbidden character in value, or None."""
    found = (_FORBIDDEN if multiline else _FORBIDDEN_SINGLE_LINE).search(value)
    if found is None:
        return None
    kind = "lone surrogate" if "\ud800" <= found.group() <= "\udfff" else "control character"
    return f"{kind} U+{ord(found.group()):04X} at position {found.start()} is not allowed; the text is never changed, so remove it"


class CleanString(fields.String):
    """A string that refuses control characters (tab and line breaks allowed when multiline) and lone surrogates."""

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text: str = super()._deserialize(value, attr, data, **kwargs)
        problem = forbidden_character(text, self.multiline)
        if problem:
            raise ValidationError(problem)
        return text
