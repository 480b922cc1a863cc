"""Detectors for promotion signals: links, e-mail addresses, phone numbers, social handles, money and prices.

Each detector takes the folded (lowercase) text and the allowed link domains and returns spans. Citations
are not promotion, so the link detector leaves out links shaped like a news article or a document, and
the phone detector leaves out numbers that are dates, years, statistics, ISBNs or DOIs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import re2

from .disguise import Reading, disguised

Span = tuple[int, int]

_TLDS = (
    "com|net|org|info|biz|io|co|ly|me|tv|us|uk|de|ru|xyz|online|site|shop|store|club|top|gl|be|ws|cc|to|"
    "app|live|link|click|win|vip|pro|fm|gg|in|ca|au|fr|it|es|nl|pl|br|cn|jp|tk|ml|ga|cf|eu|mobi|page|"
    # Country endings that are no English word, and the new endings shops and spammers favour.
    "iq|ir|tr|ae|qa|kw|jo|lb|sy|eg|pk|ng|ke|za|vn|sg|kr|ua|kz|az|se|dk|fi|cz|hu|ro|gr|ie|nz|mx|cl|ph|su|"
    "website|space|tech|fun|icu|buzz|today|world|life|market|deals|sale|agency|digital|email|media|network|"
    "blog|art|studio|design|travel|tours|health|clinic|pharmacy|finance|money|capital|trade|trading|"
    "exchange|bet|casino|games|fit|beauty|fashion|jewelry|watch|cam|stream|video|biz|store|shop"
)
_URL = re2.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"'()\[\]]*)?"
)
# The path of a link that cites rather than sells: a dated article ("/2023/05/..."), a news, report or
# encyclopedia section, a DOI, or a document.
_CITATION_PATH = re2.compile(
    r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/|$)"
    r"|/(?:news|article|articles|story|stories|report|reports|world|politics|middle-?east|opinion|analysis|"
    r"wiki|doi|publications?|research|documents?|press-releases?)(?:/|$|[?#.])"
    r"|\.pdf(?:$|[?#])"
)
_EMAIL = re2.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
# An address with its "@" spelt as a word: "name at gmail.com" (the reading has undone any disguised dot).
_SPELLED_AT = re2.compile(r"\b[a-z0-9._%+-]+ at ([a-z0-9-]+)(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
_MAIL_PROVIDERS = frozenset(
    (
        "gmail",
        "googlemail",
        "yahoo",
        "ymail",
        "hotmail",
        "outlook",
        "live",
        "msn",
        "icloud",
        "aol",
        "gmx",
        "proton",
        "protonmail",
        "yandex",
        "mail",
    )
)
# Words that name no site before a disguised ending ("the dot com bubble"), and what such eras are called.
_NOT_A_SITE_NAME = frozenset(
    (
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "of",
        "in",
        "early",
        "late",
        "first",
        "big",
        "whole",
        "old",
        "its",
        "their",
        "his",
        "her",
        "every",
        "any",
        "no",
        "during",
        "after",
        "before",
        "since",
    )
)
# Words before which "dot" is a noun: a pattern, a number's point, a mark on a screen ("polka dot net
# curtains", "a red dot com..."), never the name of a site.
_DOT_NOUN_WORDS = frozenset(("polka", "decimal", "red", "black", "white", "blue", "green", "yellow", "tiny", "small", "little", "single"))
_DOMAIN_ERA_NOUNS = frozenset(
    (
        "bubble",
        "boom",
        "bust",
        "era",
        "crash",
        "company",
        "companies",
        "startup",
        "startups",
        "days",
        "age",
        "mania",
        "millionaire",
        "millionaires",
        "revolution",
        "years",
        "economy",
        "frenzy",
        "collapse",
    )
)
_PHONE = re2.compile(r"\+?\(?\d[\d ().-]{6,18}\d")
# Digit runs that the phone pattern reaches but that are no phone number: counts written with
# thousands separators ("857.482.940 views", "150 000 000 dinars"), bare numbers, and lists or ranges
# of years ("1991 2003 2014"); and runs that hold an IP address, an ISO date, a year in brackets or one-
# and two-digit dotted groups. A leading "+" or "0" is how phone numbers start, never counts.
_NOT_PHONE = re2.compile(r"\d{1,3}(?:[.,]\d{3})+|[1-9]\d{0,2}(?: \d{3})+|\d+|(?:1[5-9]\d\d|20\d\d)(?:[ .-]+(?:1[5-9]\d\d|20\d\d))+")
_NOT_PHONE_PART = re2.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\d{4}-\d\d-\d\d|\(\d{4}\)|(?:^|\.)\d{1,2}\.")
# A mobile number written without separators: "07701234567", "009647701234567" (eleven digits or
# more: a ten-digit run starting with 0 is as likely an ISBN).
_BARE_PHONE = re2.compile(r"0\d{10,13}")
# ISBNs: named just before, or a 13-digit book number starting 978 or 979.
_ISBN_BEFORE = re2.compile(r"isbn(?:-1[03])?[\s:]*$")
_ISBN = re2.compile(r"97[89][ -]?\d[\d -]{8,14}\d")
_HANDLE = re2.compile(r"(?:^|[^a-z0-9_@.])(@[a-z0-9_](?:[a-z0-9_.]{1,29}))")
_AMOUNT = r"(?:[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|usd|dollars|bucks))?|\b\d[\d,]*(?:\.\d+)?\s?(?:\$|usd|dollars|bucks|euros?|pounds)\b)"
_MONEY = re2.compile(_AMOUNT)
# A price offered: "only $9.99", "just 10 dollars", "price: $390", "$50 off", "20% off", "$4.99".
_PRICE = re2.compile(
    "|".join(
        (
            r"\b(?:only|just|as low as|starting (?:at|from)|from just|from only|for only|for just|at just|now only)\s+" + _AMOUNT,
            r"\b(?:price|prices|priced at|price is)\s*:?\s*" + _AMOUNT,
            _AMOUNT + r"\s*(?:off|discount)\b",
            r"\b\d{1,2}\s?%\s?(?:off|discount)\b",
            r"[$€£]\s?\d+\.(?:99|95|49)\b",
        )
    )
)

# Cheap necessary conditions, checked first: most comments hold no link, digits or money, and one
# search with a simple pattern (or a few substring tests) costs far less than a call into RE2 per detector.
_LINK_HINT = re.compile(r"https?:|www\.|\.(?:" + _TLDS + r")\b")
_PHONE_HINT = re.compile(r"\d[\d ().-]{6}")
_DIGIT = re.compile(r"\d")


def _has_digit(text: str) -> bool:
    """True when the text holds a digit; in ASCII text by substring tests, which scan faster than a pattern."""
    if not text.isascii():
        return _DIGIT.search(text) is not None
    return (
        "0" in text or "1" in text or "2" in text or "3" in text or "4" in text
        or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text
    )  # fmt: skip


def _money_hint(text: str) -> bool:
    """True when the text holds a currency sign or the name of a currency ("$", "dollars", "usd", "bucks", "euros")."""
    return (
        "$" in text or "\u20ac" in text or "\u00a3" in text
        or "dollar" in text or "usd" in text or "buck" in text or "euro" in text or "pound" in text
    )  # fmt: skip


def host_of(url: str) -> str:
    """The host name of a URL or bare domain, lowercase, without port or credentials."""
    rest = url.split("://", 1)[-1]
    for stop in "/?#":
        rest = rest.split(stop, 1)[0]
    host = rest.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    return host[4:] if host.startswith("www.") else host


def path_of(url: str) -> str:
    """The path, query and fragment of a URL or bare domain ("" when it has none)."""
    rest = url.split("://", 1)[-1]
    cut = min((index for index in (rest.find(stop) for stop in "/?#") if index >= 0), default=len(rest))
    return rest[cut:]


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


def is_citation_link(url: str) -> bool:
    """True when a link's path is shaped like a citation: a dated or news article, a report, a DOI, a PDF."""
    path = path_of(url)
    return bool(path) and _CITATION_PATH.search(path) is not None


# The link and bare-link detectors of one comment share one scan for links (lru_cache is thread-safe).
@lru_cache(maxsize=32)
def _links(text: str, allowed_domains: frozenset[str]) -> tuple[tuple[int, int, bool], ...]:
    """Every link and bare domain not on an allowed domain (nor an e-mail address's), and whether it is citation-shaped."""
    if not _LINK_HINT.search(text):
        return ()
    links = []
    for match in _URL.finditer(text):
        start = match.start()
        if start and text[start - 1] in "@.":
            continue
        url = match.group().rstrip(".,;:!?")
        if not is_allowed_host(host_of(url), allowed_domains):
            links.append((start, start + len(url), is_citation_link(url)))
    return tuple(links)


def find_links(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Links and bare domains, except those on allowed domains, citations, and the domain part of e-mail addresses.

    A link shaped like a citation cites only in a comment of its own words: a comment that is one
    link and little more (MAX_WORDS_BESIDE_LINKS words) cites nothing, and its link counts. A list of
    such links ("Sources: ...") still cites.
    """
    links = _links(text, allowed_domains)
    if len(links) == 1 and _words_beside(text, links) <= MAX_WORDS_BESIDE_LINKS:
        return [(start, end) for start, end, _citation in links]
    return [(start, end) for start, end, citation in links if not citation]


def find_bare_links(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """The links of a comment that is little more than links to sites not on the allowed domains ("cheap-visas.com")."""
    links = _links(text, allowed_domains)
    if not links or _words_beside(text, links) > MAX_WORDS_BESIDE_LINKS:
        return []
    return [(start, end) for start, end, _citation in links]


# A comment with no more words than this beside its links is a bare link, whatever the link's shape.
MAX_WORDS_BESIDE_LINKS = 3


def _words_beside(text: str, links: Sequence[tuple[int, int, bool]]) -> int:
    """How many words a comment holds outside the given link spans (counting stops past the limit)."""
    position, words = 0, 0
    for start, end, _citation in [*links, (len(text), len(text), False)]:
        words += len(text[position:start].split())
        if words > MAX_WORDS_BESIDE_LINKS:
            break
        position = end
    return words


def find_emails(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """E-mail addresses, also disguised: "name [at] gmail [dot] com", "name @ gmail . com", "name at gmail.com".

    Not an address at an allowed domain (a university, a government, a newsroom): like the number of a
    hospital, an institution's address is information, not the writer's promotion.
    """
    spans = []
    if "@" in text:
        spans = [match.span() for match in _EMAIL.finditer(text) if not is_allowed_host(host_of(match.group()), allowed_domains)]
    reading = disguised(text)
    if reading is not None:
        spans.extend(span for span in _disguised_spans(text, reading, _EMAIL) if span not in spans)
    if " at " in text:
        # "available at shop.com" names a site, not an address: a spelt "at" counts only before a mail provider.
        read = reading.text if reading is not None else text
        for match in _SPELLED_AT.finditer(read):
            if match.group(1) in _MAIL_PROVIDERS:
                spans.append(reading.span(*match.span()) if reading is not None else match.span())
    return sorted(set(spans))


def _is_phone(number: str, before: str) -> bool:
    """Whether a digit run the phone pattern found is a phone number rather than a date, count or citation."""
    digits = sum(char.isdigit() for char in number)
    if not 9 <= digits <= 15:
        return False
    if _BARE_PHONE.fullmatch(number):
        return True
    if _NOT_PHONE.fullmatch(number) or _NOT_PHONE_PART.search(number):
        return False
    return not (_ISBN_BEFORE.search(before) or _ISBN.fullmatch(number))


def find_phones(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Phone numbers: 9 to 15 digits written with the usual separators, or a mobile number starting with 0.

    Also numbers written to slip past a filter: digit by digit ("0 7 7 0 ...") or in words ("zero seven ...").
    """
    spans = _phones(text) if _has_digit(text) and _PHONE_HINT.search(text) else []
    reading = disguised(text)
    if reading is None:
        return spans
    read = [reading.span(start, end) for start, end in _phones(reading.text)]
    # A number read whole holds the part of it the text as written shows ("0 7 7 0 1 2 3 4 5 6" of eleven digits).
    return sorted({*read, *(span for span in spans if not any(a <= span[0] and span[1] <= b for a, b in read))})


def _phones(text: str) -> list[Span]:
    return [match.span() for match in _PHONE.finditer(text) if _is_phone(match.group(), text[max(0, match.start() - 12) : match.start()])]


def find_disguised_links(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Links written to slip past a filter: "shop dot com", "shop (dot) net", "w w w . shop . org", "shop. com", "e t s y dot com".

    Not an era or a trade named by its domain ending: "the dot com bubble", "dot-com companies".
    """
    reading = disguised(text)
    if reading is None:
        return []
    spans = []
    for match in _URL.finditer(reading.text):
        url = match.group().rstrip(".,;:!?")
        start, end = reading.span(match.start(), match.start() + len(url))
        if text[start:end] == url or is_allowed_host(host_of(url), allowed_domains):
            continue
        name = host_of(url).split(".", 1)[0]
        following = reading.text[match.start() + len(url) :].split(None, 1)
        if name in _NOT_A_SITE_NAME or name in _DOT_NOUN_WORDS or (following and following[0].strip(".,;:!?") in _DOMAIN_ERA_NOUNS):
            continue
        spans.append((start, end))
    return spans


def _disguised_spans(text: str, reading: Reading, pattern: re2._Regexp) -> list[Span]:
    """Spans of the folded text where a pattern matches the reading but not the text as written."""
    spans = []
    for match in pattern.finditer(reading.text):
        start, end = reading.span(*match.span())
        if text[start:end] != match.group():
            spans.append((start, end))
    return spans


def find_handles(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Social-media handles such as @someone."""
    if "@" not in text:
        return []
    return [match.span(1) for match in _HANDLE.finditer(text)]


def find_money(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Amounts of money ("$500", "300 dollars")."""
    if not _money_hint(text):
        return []
    return [match.span() for match in _MONEY.finditer(text)]


def find_prices(text: str, allowed_domains: frozenset[str]) -> list[Span]:
    """Prices offered ("only $9.99", "just 10 dollars", "$50 off", "20% off"), not amounts reported ("$4 billion")."""
    if "%" not in text and not _money_hint(text):
        return []
    return [match.span() for match in _PRICE.finditer(text)]


DETECTORS: dict[str, Callable[[str, frozenset[str]], list[Span]]] = {
    "link": find_links,
    "disguised_link": find_disguised_links,
    "bare_link": find_bare_links,
    "email": find_emails,
    "phone": find_phones,
    "handle": find_handles,
    "money": find_money,
    "price": find_prices,
}
