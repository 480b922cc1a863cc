"""The shipped promotion rules: links and numbers count with promotional intent, never as citations (issue 11, item 9)."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


@pytest.mark.parametrize(
    "text",
    [
        # The writer's own channel, shop or work.
        "Check out my channel for daily cooking videos",
        "Read my book, it is on sale now",
        "Visit our shop at rugs-direct.com for the best prices",
        "Follow me on Instagram for more photos",
        "Help me reach 1k subscribers before Newroz",
        # Money offers, prices and calls to action with a link.
        "Earn $500 a day from home, no experience needed",
        "Get 1000 followers for only $5 at fastfollow.biz",
        "Looking for a cheap flat? Visit flats-for-rent.com",
        # Contact numbers and contact asks.
        "Best phones in Duhok, WhatsApp +964 770 555 1234",
        "I sell gold, call me on 07701234567",
        "Message me for cheap visas",
        # A business offering its service, the spammer's hook, a bare "DM".
        "Car rental in Slemani, we offer unbeatable prices, message us",
        "Forex made me rich in a month, ask me how",
        "Cheap Arabic lessons online, interested? DM me.",
        "follow my instagram for daily photos of Amedi",
        # A comment that is only a commercial domain or link.
        "cheap-flights-to-erbil.com",
        "https://www.somesite.com/news/123-cheap-vps",
        # A sales pitch and a link on a shop domain no list knows.
        "Fresh dates from Basra, delivered to your door with free shipping: palmgrove-basra.shop",
        "Huge discounts on used tyres this month, tyrebarn-iq.com",
        # Personal promotion without a platform named.
        "Follow us for daily updates from Zakho",
        "The whole interview is up on my blog",
        "send me a DM, I can help",
        # Links and contacts disguised.
        "book your tour at zagrostours dot com",
        "cheap visas, w w w . visa-now . net",
        "email karwan [at] yahoo [dot] com for a quote",
        "text zero seven seven zero five five five one two three four",
        # Investment pitches: the pitch and a testimony, a call to action or a price.
        "My bitcoin mentor doubled what I put in, thanks to her I now earn every week",
        "Guaranteed weekly profits, invest with us today",
        "Try forex trading from just $50",
        "Make money while you sleep with one simple app",
        "He got my residence permit in days, contact him on Telegram",
        "Spare parts for every model at a discounted price, autoparts-zakho.net",
        # Likes asked for the comment; readers sent to a search engine, to a handle, to a shortener.
        "Like this comment if you think the referee was blind",
        "How many likes can this comment get before the final?",
        "My band has a new song, open YouTube and type our name",
        "new beats every friday, follow me @zakho_sound",
        "free phone credit here: bit.ly / 7hQx2",
        "Want work abroad? Leave your WhatsApp number and I will call",
        "You have to check out this singer from Akre on TikTok",
        # Money asked for the writer; a freebie or a click with a link.
        "Please donate to my fundraiser, every dinar helps",
        "free game coins for everyone at coins-now.biz",
        "click to win a phone: prize-iq.net",
    ],
)
def test_promotion_is_rejected(ruleset: Ruleset, text: str) -> None:
    assert "promotion" in ruleset.evaluate(text).categories


@pytest.mark.parametrize(
    "text",
    [
        # Citations: encyclopedia, news and official links, ISBNs, DOIs, articles, cases, sections.
        "According to https://en.wikipedia.org/wiki/Kurdistan_Region the region has four governorates",
        "Rudaw had it first: https://www.rudaw.net/english/kurdistan/150520232",
        "The report is at https://www.hrw.org/report/2023/iraq for anyone who doubts it",
        "The dam opened on Friday, as a local paper wrote at https://www.somepaper.com/2023/05/12/dam-opens",
        "See ISBN 978-0-19-953556-9 for the standard history of the Kurds",
        "The study is doi:10.1016/j.jmes.2019.04.003 if anyone wants the data",
        "Article 140 of the constitution covers Kirkuk",
        "Case number 2021/447 is still before the federal court",
        "Section 3.2 of the agreement deals with oil exports",
        # Dates, years and statistics that look like phone numbers.
        "On 16 October 2017 Iraqi forces entered Kirkuk",
        "The wars of 1991 2003 2014 emptied these villages",
        "A budget of 150 000 000 dinars was never spent",
        "1,800,000 people are still displaced",
        # Amounts reported, not offered.
        "The government spent $4 billion on electricity with nothing to show for it",
        "He earns less than $300 a month as a teacher",
        # Ordinary uses of promotion words.
        "I subscribe to the view that federalism is the only solution",
        "Subscribe to newsletters from several sources to get a balanced view",
        "Check out the census data before making claims",
        "Share this article widely, people need to know",
        "Follow the money and you will see who benefits",
        "My brother has a shop in the bazaar and business is terrible",
        "The Kurdistan24 channel aired the speech live",
        "Call me old-fashioned, but I still read the paper",
        # Wages reported, public numbers, a newsroom's own channel.
        "I earn $350 a month as a teacher and rent is $300",
        "The hospital in Duhok can be reached on 062 722 0000 day and night",
        "The embassy's number for citizens in Iraq is +964 66 000 1234",
        "Our channel was blocked by the authorities after the protest coverage",
        # Subscribing mentioned, not asked for.
        "You must subscribe to read the rest of the interview",
        "We subscribed to a satellite package for the news channels",
        "Fewer families subscribe to cable since the crisis",
        # Companies, prices and scams in the news; an era named by its domain ending.
        "Korek and Asiacell both raised their internet prices",
        "Petrol costs 1,250 dinars a litre in Erbil now",
        "Police say the gang promised guaranteed returns to hundreds of investors",
        "The central bank warned against bitcoin trading platforms",
        "Thousands of investors lost everything when the dot com bubble burst",
        "Do you follow me, or should I explain it again?",
        "The family said they could not reach him on WhatsApp for days",
        "The PM for the region met the delegation",
        "Critics discount the numbers from the ministry, see somenews.org/x",
        # A pitch far from the link the writer cites; a dot that is a noun; advice to read a guide.
        "The new mall promised same day delivery and huge discounts, but most of its shops closed within a year "
        "and the traders are still owed rent. The court records are at courtwatch-iq.org/cases",
        "She sells polka dot net curtains in the bazaar",
        "You may want to check out the style guide before editing",
        # An institution's address is information.
        "Send your questions to the press office, press@uni-koya.edu",
    ],
)
def test_citations_and_ordinary_comments_are_approved(ruleset: Ruleset, text: str) -> None:
    decision = ruleset.evaluate(text)
    assert decision.decision == "approve", [reason.to_dict() for reason in decision.reasons]


def test_a_lone_link_to_an_allowed_source_is_approved(ruleset: Ruleset) -> None:
    assert ruleset.evaluate("https://www.bbc.co.uk/news/world-middle-east-12345678").decision == "approve"
    assert ruleset.evaluate("https://www.cheap-visas.com/offer").decision == "reject"
