"""Detectors for promotion signals: links, e-mail addresses, phone numbers, social handles, money offers."""

from __future__ import annotations

import re
from collections.abc import Callable

import re2

Span = tuple[int, int]

_TLDS = (
    "com|net|org|info|biz|io|co|ly|me|tv|us|uk|de|ru|xyz|online|site|shop|store|club|top|gl|be|ws|cc|to|"
    "app|live|link|click|win|vip|pro|fm|gg|in|ca|au|fr|it|es|nl|pl|br|cn|jp|tk|ml|ga|cf|eu|mobi|page"
)
_URL = re2.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"'()\[\]]*)?"
)
_EMAIL = re2.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
_PHONE = re2.compile(r"\+?\(?\d[\d ().-]{6,18}\d")
# Digit runs that the phone pattern reaches but that are no phone number: counts written with
# thousands separators ("857.482.940 views") and bare numbers with no separator; and runs that
# hold an IP address, an ISO date, a year in brackets or one- and two-digit dotted groups.
_NOT_PHONE = re2.compile(r"\d{1,3}(?:[.,]\d{3})+|\d+")
_NOT_PHONE_PART = re2.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\d{4}-\d\d-\d\d|\(\d{4}\)|(?:^|\.)\d{1,2}\.")
_HANDLE = re2.compile(r"(?:^|[^a-z0-9_@.])(@[a-z0-9_](?:[a-z0-9_.]{1,29}))")
_MONEY = re2.compile(
    r"[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|usd|dollars|bucks))?"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:\$|usd|dollars|bucks|euros?|pounds)\b"
)

# Cheap necessary conditions, checked first: most comments hold no link, digits or money, and one
# search with a simple pattern costs far less than a call into RE2 per detector.
_LINK_HINT = re.compile(r"https?:|www\.|\.(?:" + _TLDS + r")\b")
_PHONE_HINT = re.compile(r"\d[\d ().-]{6}")
_MONEY_HINT = re.compile(r"[$€£]|dollar|usd|buck|euro|pound")


def host_of(url: str) -> str:
    """The host name of a URL or bare domain, lowercase, without port or credentials."""
    rest = url.split("://", 1)[-1]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    host = rest.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    return host[4:] if host.startswith("www.") else host


def is_allowed_host(host: str, allowed: frozenset[str]) -> bool:
    """True when the host is an allowed domain or one of its subdomains, or falls under an allowed wildcard.

    Wildcards: "*.gov" allows every host under that suffix; "*.gov.*" every host under it in any
    two-letter country domain ("stat.gov.mk", "www.instat.gov.al").
    """
    parts = host.split(".")
    country = len(parts[-1]) == 2
    for i in range(1, len(parts)):
        suffix = ".".join(parts[i:])
        if ".".join(parts[i - 1 :]) in allowed or "*." + suffix in allowed:
            return True
        if country and i < len(parts) - 1 and "*." + ".".join(parts[i:-1]) + ".*" in allowed:
            return True
    return False


def find_links(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Links and bare domains, except those on allowed domains and the domain part of e-mail addresses."""
    if not _LINK_HINT.search(text):
        return []
    spans = []
    for match in _URL.finditer(text):
        start = match.start()
        if start and text[start - 1] in "@.":
            continue
        url = match.group().rstrip(".,;:!?")
        if is_allowed_host(host_of(url), allowed_domains):
            continue
        spans.append((start, start + len(url)))
    return spans


def find_emails(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """E-mail addresses."""
    if "@" not in text:
        return []
    return [match.span() for match in _EMAIL.finditer(text)]


def find_phones(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Phone numbers: 9 to 15 digits written with the usual separators."""
    if not _PHONE_HINT.search(text):
        return []
    spans = []
    for match in _PHONE.finditer(text):
        number = match.group()
        digits = sum(char.isdigit() for char in number)
        if not 9 <= digits <= 15 or _NOT_PHONE.fullmatch(number) or _NOT_PHONE_PART.search(number):
            continue
        if text[max(0, match.start() - 6) : match.start()].rstrip(" :").endswith("isbn"):
            continue
        spans.append(match.span())
    return spans


def find_handles(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Social-media handles such as @someone."""
    if "@" not in text:
        return []
    return [match.span(1) for match in _HANDLE.finditer(text)]


def find_money(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Amounts of money ("$500", "300 dollars")."""
    if not _MONEY_HINT.search(text):
        return []
    return [match.span() for match in _MONEY.finditer(text)]


DETECTORS: dict[str, Callable[[str, frozenset[str]], list[Span]]] = {
    "link": find_links,
    "email": find_emails,
    "phone": find_phones,
    "handle": find_handles,
    "money": find_money,
}
