"""Terminal output shared by the rules commands: JSON, colour, and texts with their matches marked."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

# Long comments are shown as excerpts around each match, this many characters either side.
CONTEXT_CHARS = 40
# Texts up to this length are shown whole.
SHORT_TEXT = 240


def json_out(data: Any) -> None:
    """Print data as indented JSON on stdout (times and paths as text)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def use_color(color: bool | None) -> bool:
    """Whether to colour the output: as asked, else when stdout is a terminal."""
    use = sys.stdout.isatty() if color is None else color
    # click strips colours from output that is not a terminal unless the context says otherwise.
    click.get_current_context().color = use
    return use


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark(part: str, color: bool, shadow: bool) -> str:
    if color:
        return click.style(part, fg="yellow" if shadow else "red", bold=True, underline=shadow)
    return f"[{part}]"


def highlight(text: str, spans: Sequence[tuple[int, int]], color: bool, shadow: bool = False) -> str:
    """The text with each span marked: coloured on a terminal, [in brackets] otherwise; long texts as excerpts."""
    spans = _merge([(start, end) for start, end in spans if 0 <= start < end <= len(text)])
    if len(text) <= SHORT_TEXT:
        windows = [(0, len(text))]
    else:
        windows = _merge([(max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)) for start, end in spans]) or [
            (0, SHORT_TEXT)
        ]
    pieces = []
    for window_start, window_end in windows:
        out = ["…" if window_start > 0 else ""]
        position = window_start
        for start, end in spans:
            if end <= window_start or start >= window_end:
                continue
            out.append(text[position:start])
            out.append(_mark(text[start:end], color, shadow))
            position = end
        out.append(text[position:window_end])
        out.append("…" if window_end < len(text) else "")
        pieces.append("".join(out))
    # Line breaks inside a comment would break the layout of the report; show them as ⏎.
    return " ".join(pieces).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
