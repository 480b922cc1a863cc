"""Promotion detectors on folded (lowercase) text: links, e-mail addresses, phones, handles, money, prices."""

from __future__ import annotations

import pytest

from moderation.engine.detectors import (
    DETECTORS,
    find_bare_links,
    find_disguised_links,
    find_emails,
    find_handles,
    find_links,
    find_money,
    find_phones,
    find_prices,
    host_of,
    is_allowed_host,
    is_citation_link,
    path_of,
)

ALLOWED = frozenset({"wikipedia.org", "reuters.com", "bbc.co.uk"})


def texts(finder: object, text: str) -> list[str]:
    spans = finder(text, ALLOWED)  # type: ignore[operator]
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("visit cheap-watches.com now", ["cheap-watches.com"]),
        ("go to www.spam.biz/path?x=1 now", ["www.spam.biz/path?x=1"]),
        ("http://bit.ly/abc and https://shop.example.net/x", ["http://bit.ly/abc", "https://shop.example.net/x"]),
        ("see shop.com.", ["shop.com"]),  # sentence punctuation is not part of the link
        ("see notwikipedia.org", ["notwikipedia.org"]),  # not a subdomain of an allowed domain
        ("www.reuters.com.evil.ru", ["www.reuters.com.evil.ru"]),
        ("cheap-flights.com/deals/erbil", ["cheap-flights.com/deals/erbil"]),
    ],
)
def test_links(text: str, expected: list[str]) -> None:
    assert texts(find_links, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "see https://en.wikipedia.org/wiki/comment for background",
        "http://www.reuters.com/a",
        "news at bbc.co.uk today",
        "version 1.2.3 is out",
        "end of sentence.next one",
        "e.g. this",
        # Citations on domains that are not on the allowed list: dated or news articles, reports, documents.
        "the dam opened last week, as reported at https://www.rudaw.net/english/middleeast/iraq/2023/05/12/story",
        "the report is at https://www.hrw.org/report/2023/iraq",
        "the study is at https://someuniversity.ac.jp/publications/kurds.pdf",
        "there is an article on it: http://findstuff.com/p/articles/mi_123",
    ],
)
def test_not_links(text: str) -> None:
    assert texts(find_links, text) == []


@pytest.mark.parametrize(
    "text",
    ["https://www.somesite.com/news/123-buy-cheap-vps", "wow http://example.com/story/456-read-my-story", "example.com/2021/05/deal"],
)
def test_a_comment_that_is_only_a_citation_shaped_link_is_a_link(text: str) -> None:
    assert len(texts(find_links, text)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cheap-flights-to-erbil.com", ["cheap-flights-to-erbil.com"]),
        ("wow, see http://example.com/deal now", ["http://example.com/deal"]),
        ("a.com b.net", ["a.com", "b.net"]),
        ("https://www.somesite.com/news/123-cheap-vps", ["https://www.somesite.com/news/123-cheap-vps"]),
        ("read more at https://www.bbc.co.uk/news/x", []),  # an allowed source
        ("the figures are here, see http://example.com/deal for them", []),  # a comment of its own words
    ],
)
def test_bare_links(text: str, expected: list[str]) -> None:
    assert texts(find_bare_links, text) == expected


def test_a_list_of_citation_shaped_links_still_cites() -> None:
    assert texts(find_links, "sources: a-paper.com/news/1 b-paper.com/2022/03/x c-site.org/report/7") == []


@pytest.mark.parametrize("text", ["mail deals@example.com", "write to a.b-c+d@mail.co.uk now"])
def test_emails_are_not_counted_as_links(text: str) -> None:
    assert texts(find_links, text) == []
    assert len(texts(find_emails, text)) == 1
    assert "@" in texts(find_emails, text)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call +1 555 123 4567 now", ["+1 555 123 4567"]),
        ("call (020) 7946 0958", ["(020) 7946 0958"]),
        ("ring 555-123-4567", ["555-123-4567"]),
        ("whatsapp 07701234567 for prices", ["07701234567"]),
        ("call 0750 123 4567", ["0750 123 4567"]),
        ("+9647701234567", ["+9647701234567"]),
    ],
)
def test_phones(text: str, expected: list[str]) -> None:
    assert texts(find_phones, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the year 2024",
        "in 1999 and 2005 and 2010",
        "12345",
        "call 555 1234",
        "pi is 3.14159",
        # Statistics, years, dates and citations that look like phone numbers.
        "a budget of 150 000 000 dinars",
        "1,234,567 votes were counted",
        "857.482.940 views",
        "the wars of 1991 2003 2014",
        "1980 - 1988 - 2003",
        "see isbn 978-0-19-953556-9",
        "isbn-13: 0-00-216906-1",
        "the book 978-0-19-953556-9 is the standard history",
        "9780199535569",
        "center for hellenic studies, 0674006623",
        "volume 3, book 34, number 003.034.351",
        "at 36.1901 44.0091 on the map",
        "doi:10.1016/j.jmes.2019.04.003",
    ],
)
def test_not_phones(text: str) -> None:
    assert texts(find_phones, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("follow @someone now", ["@someone"]),
        ("@start here", ["@start"]),
        ("(@a_b.c)", ["@a_b.c"]),
    ],
)
def test_handles(text: str, expected: list[str]) -> None:
    assert texts(find_handles, text) == expected


@pytest.mark.parametrize("text", ["deals@example.com", "x.@y", "just @ a sign"])
def test_not_handles(text: str) -> None:
    assert texts(find_handles, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("earn $500 today", ["$500"]),
        ("300 dollars", ["300 dollars"]),
        ("€20", ["€20"]),
        ("£ 1,000.50", ["£ 1,000.50"]),
        ("10 euros", ["10 euros"]),
        ("make $5k a week", ["$5k"]),
    ],
)
def test_money(text: str, expected: list[str]) -> None:
    assert texts(find_money, text) == expected


@pytest.mark.parametrize("text", ["the 1990s", "3 people", "it cost a lot"])
def test_not_money(text: str) -> None:
    assert texts(find_money, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("get 1000 followers for only $5", ["for only $5"]),
        ("just 10 dollars an hour", ["just 10 dollars"]),
        ("$50 off your first order", ["$50 off"]),
        ("20% off this week", ["20% off"]),
        ("the course costs $9.99", ["$9.99"]),
        ("starting at €20", ["starting at €20"]),
        ("ipad 32gb price:$390", ["price:$390"]),
    ],
)
def test_prices(text: str, expected: list[str]) -> None:
    assert texts(find_prices, text) == expected


@pytest.mark.parametrize(
    "text",
    ["the government spent $4 billion on power", "oil rose to $90 a barrel", "he earns $300 a month", "turnout was 40%", "it cost a lot"],
)
def test_amounts_reported_are_not_prices(text: str) -> None:
    assert texts(find_prices, text) == []


def test_path_of() -> None:
    assert path_of("https://www.example.com/a/b?c=1") == "/a/b?c=1"
    assert path_of("shop.example.net") == ""
    assert path_of("example.com?x=1") == "?x=1"


def test_citation_links_are_articles_reports_and_documents() -> None:
    assert is_citation_link("https://news.example.com/2021/11/03/dam-opens")
    assert is_citation_link("example.org/en/news/123")
    assert is_citation_link("https://example.org/files/annual-report.pdf")
    assert not is_citation_link("https://example.com/")
    assert not is_citation_link("cheap-watches.com")
    assert not is_citation_link("https://example.com/shop/newsletter")  # "news" must be a whole path segment
    assert not is_citation_link("https://example.com/account/12345-name")


def test_host_of() -> None:
    assert host_of("https://user:pw@www.example.com:8080/x?y#z") == "example.com"
    assert host_of("shop.example.net/path") == "shop.example.net"


def test_allowed_host_includes_subdomains_but_not_bare_suffixes() -> None:
    assert is_allowed_host("en.wikipedia.org", ALLOWED)
    assert is_allowed_host("wikipedia.org", ALLOWED)
    assert not is_allowed_host("wikipedia.org.evil.com", ALLOWED)
    assert not is_allowed_host("org", frozenset({"org"}))


def test_wildcard_suffixes_allow_government_and_university_hosts() -> None:
    allowed = frozenset({"*.gov", "*.gov.*", "*.ac.uk"})
    assert is_allowed_host("www.census.gov", allowed)
    assert is_allowed_host("stat.gov.mk", allowed)
    assert is_allowed_host("www.instat.gov.al", allowed)
    assert is_allowed_host("www.ox.ac.uk", allowed)
    assert not is_allowed_host("gov", allowed)  # a wildcard needs a host under it
    assert not is_allowed_host("gov.mk", allowed)
    assert not is_allowed_host("gov.example.com", allowed)  # "gov" must sit right before the country code
    assert not is_allowed_host("govshop.com", allowed)
    assert not is_allowed_host("cheap.gov.shop", allowed)  # "shop" is no country code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("go to cheap-tours dot com", ["cheap-tours dot com"]),
        ("see shop (dot) net now", ["shop (dot) net"]),
        ("at rugs [dot] co [dot] uk", ["rugs [dot] co [dot] uk"]),
        ("order from mega shop . com today", ["shop . com"]),
        ("www.youtube. com/watch", ["www.youtube. com/watch"]),
        ("visit w w w . best-deals . org", ["w w w . best-deals . org"]),
        ("w w w. the deal shop. net", ["w w w. the deal shop. net"]),
        ("on e t s y dot com slash shopname", ["e t s y dot com slash shopname"]),
        ("go to adf.ly / kld3y", ["adf.ly / kld3y"]),
        ("watch youtu be /abc123", ["youtu be /abc123"]),
    ],
)
def test_disguised_links(text: str, expected: list[str]) -> None:
    assert texts(find_disguised_links, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "see http://www.example.com/page",  # written as links are written: the link detector's
        "the dot com bubble burst in 2000",
        "infospace dot com crash",
        "it was a loss. net income fell",
        "the end. info is scarce",
        "the www was invented at cern",
        "news at bbc dot co dot uk",  # an allowed source, however it is written
        "cats / dogs",
        "polka dot net curtains",  # "dot" is a noun after a word of pattern, colour or size
        "she wore black polka dot net gloves",
    ],
)
def test_not_disguised_links(text: str) -> None:
    assert texts(find_disguised_links, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to sales [at] shop [dot] com", ["sales [at] shop [dot] com"]),
        ("ali @ gmail . com", ["ali @ gmail . com"]),
        ("mail me at ali.k at gmail.com", ["ali.k at gmail.com"]),
        ("ali at yahoo dot com", ["ali at yahoo dot com"]),
    ],
)
def test_disguised_emails(text: str, expected: list[str]) -> None:
    assert texts(find_emails, text) == expected


@pytest.mark.parametrize("text", ["available at slimtea.xyz", "we met at home", "book at zagros dot com"])
def test_a_spelt_at_before_a_site_is_no_address(text: str) -> None:
    assert texts(find_emails, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 0 7 7 0 1 2 3 4 5 6 7", ["0 7 7 0 1 2 3 4 5 6 7"]),
        ("zero seven five zero one two three four five six seven", ["zero seven five zero one two three four five six seven"]),
        ("on zero-seven-seven-zero-one-two-three-four-five-six-seven now", ["zero-seven-seven-zero-one-two-three-four-five-six-seven"]),
    ],
)
def test_phones_written_digit_by_digit_or_in_words(text: str, expected: list[str]) -> None:
    assert texts(find_phones, text) == expected


@pytest.mark.parametrize("text", ["one two three four five six seven eight nine ten", "grades 1 2 3 4 and 5"])
def test_counting_is_no_phone(text: str) -> None:
    assert texts(find_phones, text) == []


def test_detector_registry() -> None:
    assert set(DETECTORS) == {"link", "bare_link", "disguised_link", "email", "phone", "handle", "money", "price"}


def test_an_address_at_an_allowed_domain_is_no_contact_detail() -> None:
    allowed = frozenset({"*.edu", "bbc.co.uk"})
    assert find_emails("questions to registrar@uni-example.edu or tips@bbc.co.uk", allowed) == []
    text = "order from sales@rugs-example.com"
    assert [text[start:end] for start, end in find_emails(text, allowed)] == ["sales@rugs-example.com"]
