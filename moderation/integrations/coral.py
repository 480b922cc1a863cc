"""Coral Talk's external moderation protocol: signatures, HTML bodies as text, and Coral-shaped answers."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import re
from html.parser import HTMLParser
from typing import Any

from ..engine import Decision, Match, Reason

SIGNATURE_HEADER = "X-Coral-Signature"
SECRET_PREFIX = "empsec_"  # noqa: S105 - the public prefix of Coral secrets, not a secret
FORMATS = ("HTML", "PLAIN_TEXT")
APPROVE_MODES = ("approved", "no-opinion")
ACTIONS = ("NEW", "EDIT")
ROLES = ("COMMENTER", "MEMBER", "STAFF", "MODERATOR", "ADMIN")
STATUSES = ("NONE", "APPROVED", "REJECTED", "PREMOD", "SYSTEM_WITHHELD")
REJECTION_CODES = (
    "OFFENSIVE",
    "ABUSIVE",
    "SPAM",
    "BANNED_WORD",
    "AD",
    "ILLEGAL_CONTENT",
    "HARASSMENT_BULLYING",
    "MISINFORMATION",
    "HATE_SPEECH",
    "IRRELEVANT_CONTENT",
    "OTHER",
)
FLAG_REASONS = ("COMMENT_DETECTED_TOXIC", "COMMENT_DETECTED_SPAM")

# Coral takes one rejection code per comment, so when several categories reject, the most serious names it.
CATEGORY_CODES = {
    "threat": "ABUSIVE",
    "abuse": "HATE_SPEECH",
    "personal_attack": "HARASSMENT_BULLYING",
    "vulgarity": "OFFENSIVE",
    "profanity": "OFFENSIVE",
    "promotion": "SPAM",  # AD when a commercial promotion rule fired, see rejection_code()
}
FALLBACK_CODE = "OTHER"
FALLBACK_EXPLANATION = "Rejected under the site's comment guidelines."
MAX_EXPLANATION = 1000
# A rotation header holds two or three entries; more than this is not Coral and not worth hashing.
MAX_SIGNATURES = 8
_SIGNATURE = re.compile(r"sha256=([0-9a-f]{64})", re.IGNORECASE)


def parse_secrets(value: str) -> list[str]:
    """The configured signing secrets: comma-separated, blanks ignored, each used whole (prefix included)."""
    return [secret.strip() for secret in value.split(",") if secret.strip()]


def parse_site_map(value: str) -> dict[str, str]:
    """MODERATION_CORAL_SITES: "coral-site-id=policy" pairs, comma-separated (ValueError names a malformed pair)."""
    mapping: dict[str, str] = {}
    for pair in value.split(","):
        if not pair.strip():
            continue
        site, equals, policy = pair.partition("=")
        if not equals or not site.strip() or not policy.strip():
            raise ValueError(f"MODERATION_CORAL_SITES: {pair.strip()!r} is not coral-site-id=policy")
        mapping[site.strip()] = policy.strip()
    return mapping


def site_policy(site: dict[str, Any] | None, mapping: dict[str, str]) -> str | None:
    """The policy name of a Coral request's site: its mapped name, else Coral's site id itself (None without a site)."""
    site_id = (site or {}).get("id")
    return mapping.get(site_id, site_id) if site_id else None


def _digest(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str) -> str:
    """The header entry Coral sends for this body and secret: sha256=<hex HMAC-SHA256>."""
    return "sha256=" + _digest(body, secret)


def signature_is_valid(header: str | None, body: bytes, secrets: list[str]) -> bool:
    """True when any sha256= entry of the header is the HMAC of the raw body under any secret."""
    if not header:
        return False
    presented = []
    for entry in header.split(",")[:MAX_SIGNATURES]:
        found = _SIGNATURE.fullmatch(entry.strip())
        if found:
            presented.append(found.group(1).lower())
    expected = [_digest(body, secret) for secret in secrets]
    # Every pair is compared so that the time taken does not depend on which entry or secret matched.
    valid = False
    for candidate in presented:
        for digest in expected:
            valid |= hmac.compare_digest(candidate, digest)
    return valid


_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "div", "dl", "dd", "dt", "figure", "footer", "header", "hr", "li", "ol", "p", "pre"}
    | {"section", "table", "tr", "ul", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "template", "head", "title"})


@dataclasses.dataclass(frozen=True, slots=True)
class PlainText:
    """Text for evaluation made from a source, with each character's span in that source."""

    source: str
    text: str
    spans: tuple[tuple[int, int], ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source that text[start:end] was made from."""
        if end <= start:
            point = self.spans[start][0] if start < len(self.spans) else len(self.source)
            return point, point
        return self.spans[start][0], self.spans[end - 1][1]

    def remap(self, decision: Decision) -> Decision:
        """The decision with every match moved from the text to the source, so that source[start:end] == match.text."""
        return dataclasses.replace(decision, reasons=tuple(self._remap_reason(reason) for reason in decision.reasons))

    def _remap_reason(self, reason: Reason) -> Reason:
        matches = []
        for match in reason.matches:
            start, end = self.source_span(match.start, match.end)
            matches.append(Match(start, end, self.source[start:end]))
        return dataclasses.replace(reason, matches=tuple(matches))


class _TextExtractor(HTMLParser):
    """Collects what a reader sees, as (kind, source offset, value) events resolved into text on close."""

    def __init__(self, source: str) -> None:
        # Character references are kept as their own events so that each one maps to its exact source span.
        super().__init__(convert_charrefs=False)
        self.source = source
        self.events: list[tuple[str, int, str]] = []
        self._line_starts = [0] + [index + 1 for index, char in enumerate(source) if char == "\n"]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", self._offset(), tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", self._offset(), tag))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", self._offset(), tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", self._offset(), data))

    def handle_entityref(self, name: str) -> None:
        self.events.append(("ref", self._offset(), name))

    def handle_charref(self, name: str) -> None:
        self.events.append(("ref", self._offset(), name))

    def handle_comment(self, data: str) -> None:
        self.events.append(("skip", self._offset(), ""))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("skip", self._offset(), ""))

    def handle_pi(self, data: str) -> None:
        self.events.append(("skip", self._offset(), ""))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("skip", self._offset(), ""))

    def result(self) -> PlainText:
        """Resolve the events into the text and its source spans."""
        chars: list[str] = []
        spans: list[tuple[int, int]] = []
        hidden = 0
        run_start: int | None = None  # start of the text run (data and references) being collected

        def flush(end: int) -> None:
            nonlocal run_start
            if run_start is not None and not hidden:
                _decode(self.source, run_start, end, chars, spans)
            run_start = None

        def line_break(start: int, end: int, always: bool = False) -> None:
            if always or (chars and chars[-1] != "\n"):
                chars.append("\n")
                spans.append((start, end))

        for index, (kind, start, value) in enumerate(self.events):
            end = self.events[index + 1][1] if index + 1 < len(self.events) else len(self.source)
            if kind in ("data", "ref"):
                if run_start is None:
                    run_start = start
                continue
            flush(start)
            if kind == "start" and value in _HIDDEN_TAGS:
                hidden += 1
            elif kind == "end" and value in _HIDDEN_TAGS:
                hidden = max(0, hidden - 1)
            elif hidden:
                continue
            elif kind == "start" and value == "br":
                line_break(start, end, always=True)
            elif kind in ("start", "end") and value in _BLOCK_TAGS:
                line_break(start, end)
        flush(len(self.source))
        return PlainText(self.source, "".join(chars), tuple(spans))


# A character reference as HTML5 reads it in text: numeric, or a name (the longest known prefix wins in unescape).
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def _decode(source: str, start: int, end: int, chars: list[str], spans: list[tuple[int, int]]) -> None:
    """Append the text of source[start:end]: plain characters one to one, each reference decoded onto its whole span."""
    position = start
    for found in _REFERENCE.finditer(source, start, end):
        chars.extend(source[position : found.start()])
        spans.extend((offset, offset + 1) for offset in range(position, found.start()))
        decoded = html.unescape(found.group())
        chars.extend(decoded)
        spans.extend((found.start(), found.end()) for _ in decoded)
        position = found.end()
    chars.extend(source[position:end])
    spans.extend((offset, offset + 1) for offset in range(position, end))


def html_to_text(source: str) -> PlainText:
    """What a reader sees of sanitised HTML: tags dropped, entities decoded, <br> and block edges as line breaks."""
    extractor = _TextExtractor(source)
    extractor.feed(source)
    extractor.close()
    return extractor.result()


def plain_text(source: str) -> PlainText:
    """A PLAIN_TEXT body: evaluated as it is, each character its own span."""
    return PlainText(source, source, tuple((index, index + 1) for index in range(len(source))))


def rejection_code(decision: Decision) -> str:
    """Coral's rejection code for a rejected decision: its most serious category, mapped."""
    for category in CATEGORY_CODES:
        if category not in decision.categories:
            continue
        if category == "promotion" and any(
            reason.category == "promotion" and reason.subcategory == "commercial" for reason in decision.enforcing
        ):
            return "AD"
        return CATEGORY_CODES[category]
    return FALLBACK_CODE


def explanation(decision: Decision) -> str:
    """The rejecting rules' messages, each once, joined; never empty."""
    messages = list(dict.fromkeys(reason.message.strip() for reason in decision.enforcing if reason.message.strip()))
    text = "; ".join(messages) or FALLBACK_EXPLANATION
    return text if len(text) <= MAX_EXPLANATION else text[: MAX_EXPLANATION - 1].rstrip() + "…"


def flag_reason(decision: Decision) -> str:
    """The FLAG reason Coral shows moderators: spam when only promotion rejected the comment, else toxic."""
    return "COMMENT_DETECTED_SPAM" if set(decision.categories) <= {"promotion"} else "COMMENT_DETECTED_TOXIC"


def answer(decision: Decision, action: str, approve_mode: str) -> dict[str, Any] | None:
    """Coral's answer to a decision; None means answer 204 (no opinion)."""
    if not decision.rejected:
        return {"status": "APPROVED"} if approve_mode == "approved" else None
    if action != "NEW":
        # On EDIT Coral reads only the top-level status; a moderation action there would be ignored.
        return {"status": "REJECTED"}
    return {
        "status": "REJECTED",
        "moderationAction": {
            "status": "REJECTED",
            "rejectionReason": {"code": rejection_code(decision), "detailedExplanation": explanation(decision)},
        },
        "actions": [{"actionType": "FLAG", "reason": flag_reason(decision)}],
    }
