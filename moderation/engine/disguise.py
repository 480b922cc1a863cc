"""A reading of folded text with disguised links and contacts undone ("name dot com", "0 7 7 0 ...", "x [at] y").

Spammers write links, addresses and numbers so that a filter does not see them: the dot spelt out or
in brackets, spaces around the dot, letters or digits spaced out, digits written as words. The reading
writes them back as a link, an address or a number would be written, and keeps for every character of
the reading the offset it came from, so a detector run on the reading reports spans of the folded text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import re2

# Top-level domains a disguised link may end in: those a sentence never starts with ("Net income fell",
# "Info is scarce"), so that "end. net" or "a dot in" is never read as a link.
DISGUISED_TLDS = "com|org|biz|xyz|info|online|site|shop|store|net|ru|iq|ir|tr|ae|uk|io|ly|tv|co"
_STRICT_TLDS = "com|org|biz|xyz|ru|iq|ir|ae"
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_DIGIT_WORD = "(?:" + "|".join(_DIGIT_WORDS) + ")"

_DIGIT_WORD_RE = re2.compile(_DIGIT_WORD)
_LABEL = re2.compile(r"[a-z0-9-]+")

# Each disguise, and what the reading writes for it: a dot, an at sign, a slash, or the text joined.
_DOT_WORD = r"\s*[(\[{<]\s*(?:dot|d0t)\s*[)\]}>]\s*|\s+(?:dot|d0t)\s+"
_DISGUISES = re2.compile(
    "|".join(
        (
            # "www" spelt apart or followed by a disguised dot: whatever follows is a link.
            r"(?P<www>\bw\s*w\s*w\s*(?:\.|\bd[o0]t\b|[(\[{<]\s*d[o0]t\s*[)\]}>])?\s*)(?P<wname>[a-z0-9-]+(?: [a-z0-9-]+){0,3})"
            r"(?P<wdot>\s*(?:\.|\bd[o0]t\b|[(\[{<]\s*d[o0]t\s*[)\]}>])\s*)(?P<wtld>[a-z]{2,6})\b",
            r"(?P<dot>"
            + _DOT_WORD
            + r")(?P<tld>(?:"
            + DISGUISED_TLDS
            + r")\b|[a-z0-9-]+(?:"
            + _DOT_WORD
            + r"|\.)(?:"
            + DISGUISED_TLDS
            + r")\b)",
            # Spaces around a full stop: "youtube. com" (only endings no sentence starts with), "shop .net".
            r"(?P<spaced>\s*\.\s+)(?P<stld>" + _STRICT_TLDS + r")\b",
            r"(?P<before>\s+\.)(?P<btld>" + DISGUISED_TLDS + r")\b",
            r"(?P<at>\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+@\s+)",
            r"(?P<slash>\s+(?:/|slash)\s*)(?P<path>[a-z0-9?=_-]{3,})",
            # Letters or digits spaced out one by one: "e t s y", "0 7 7 0 1 2 3 ...".
            r"(?P<letters>\b[a-z0-9](?: [a-z0-9]){2,}\b)",
            r"(?P<digits>\b" + _DIGIT_WORD + r"(?:[\s,-]+" + _DIGIT_WORD + r"){6,}\b)",
            r"(?P<youtu>\byoutu\s+)be\s*/",
        )
    )
)
# Cheap necessary condition: most comments hold none of the disguises.
_HINT = re2.compile(
    # "www" with a disguise after it: spaces in the name, a spaced or spelt dot ("www.the shop. net").
    r"\bw\s*w\s*w\b(?:\s*\.)?\s*[a-z0-9-]+(?:\s+[a-z0-9-]+)*(?:\s\.|\.\s|\s+d[o0]t\b|\s*[(\[{<])"
    r"|\bd[o0]t\b|[(\[{<]\s*at\s*[)\]}>]|\s@\s|\.\s+(?:" + _STRICT_TLDS + r")\b|\s\.(?:" + DISGUISED_TLDS + r")\b"
    r"|\s/|\sslash\s|\b[a-z0-9] [a-z0-9] [a-z0-9]\b|\b" + _DIGIT_WORD + r"[\s,-]+" + _DIGIT_WORD + r"\b|youtu\s"
)


class Reading(NamedTuple):
    """The text as a link, address or number would be written, and where in the folded text each character came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The folded-text span a span of the reading came from."""
        return self.starts[start], self.ends[end - 1]


# A piece of the reading: what it writes, and the folded-text span it stands for.
_Piece = tuple[str, int, int]


# The e-mail, phone and link detectors of one comment share one reading (lru_cache is thread-safe).
@lru_cache(maxsize=32)
def disguised(text: str) -> Reading | None:
    """The reading of a folded text with its disguises undone, or None when it holds none."""
    if not _HINT.search(text):
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _DISGUISES.finditer(text):
        if match.start() < position:
            continue
        pieces = [(text[position : match.start()], position, match.start()), *_replacement(match, text)]
        position = match.end()
        for piece, start, end in pieces:
            out.append(piece)
            if text[start:end] == piece:  # copied: each character keeps its own offset
                starts.extend(range(start, end))
                ends.extend(range(start + 1, end + 1))
            else:  # written for a word or a gap ("dot", " . ", "seven"): every character stands for all of it
                starts.extend([start] * len(piece))
                ends.extend([end] * len(piece))
    if not out:
        return None
    out.append(text[position:])
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return Reading("".join(out), starts, ends)


def _replacement(match: re2._Match, text: str) -> list[_Piece]:
    """What the reading writes for one disguise, piece by piece, each with the span it stands for."""
    groups = match.groupdict()
    if groups["www"] is not None:
        # Spaces inside the name are the disguise too: "w w w. the shop name. net" reads "www.theshopname.net".
        start, _end = _span(match, "wname")
        name = [(char, start + index, start + index + 1) for index, char in enumerate(groups["wname"]) if char != " "]
        return [("www.", *_span(match, "www")), *name, (".", *_span(match, "wdot")), _copied(match, "wtld", text)]
    if groups["dot"] is not None:
        return [(".", *_span(match, "dot")), *_labels(groups["tld"], _span(match, "tld")[0])]
    if groups["spaced"] is not None:
        return [(".", *_span(match, "spaced")), _copied(match, "stld", text)]
    if groups["before"] is not None:
        return [(".", *_span(match, "before")), _copied(match, "btld", text)]
    if groups["at"] is not None:
        return [("@", *match.span())]
    if groups["slash"] is not None:
        return [("/", *_span(match, "slash")), _copied(match, "path", text)]
    if groups["letters"] is not None:
        start = match.start()
        return [(char, start + index, start + index + 1) for index, char in enumerate(groups["letters"]) if char != " "]
    if groups["digits"] is not None:
        start = match.start()
        words = _DIGIT_WORD_RE.finditer(groups["digits"])
        return [(str(_DIGIT_WORDS.index(word.group())), start + word.start(), start + word.end()) for word in words]
    return [("youtu.be/", *match.span())]


def _span(match: re2._Match, group: str) -> tuple[int, int]:
    number = _DISGUISES.groupindex[group]
    return int(match.start(number)), int(match.end(number))


def _copied(match: re2._Match, group: str, text: str) -> _Piece:
    start, end = _span(match, group)
    return text[start:end], start, end


def _labels(text: str, start: int) -> list[_Piece]:
    """Labels of a domain joined by plain or disguised dots ("co dot uk"), written with plain dots."""
    pieces: list[_Piece] = []
    previous = start
    for label in _LABEL.finditer(text):
        if label.group() in ("dot", "d0t"):
            continue
        if pieces:
            pieces.append((".", previous, start + label.start()))
        pieces.append((label.group(), start + label.start(), start + label.end()))
        previous = start + label.end()
    return pieces
