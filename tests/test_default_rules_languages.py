"""The shipped rules in Arabic, Persian, Turkish, Kurmanji and Sorani: what each rejects, and the news,
politics and everyday talk around the same words that they approve."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset
from moderation.engine.language import language_report


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def fired(ruleset: Ruleset, text: str) -> set[str]:
    """Ids of the enforced rules that fire on TEXT."""
    return {reason.rule for reason in ruleset.evaluate(text).reasons}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Arabic: the future prefix and the object joined to the verb, with "and" joined before it.
        ("فسنذبحكم عن بكرة ابيكم", "threats_languages/kill-you-ar"),
        ("ساحرقك انت وعائلتك", "threats_languages/kill-you-ar"),
        ("اذبحوهم في الشوارع", "threats_languages/call-to-kill-ar"),
        ("الموت لكل من يخالفنا", "threats_languages/death-to-ar"),
        ("انت حقير ووسخ", "personal_attacks_languages/insult-you-ar"),
        ("يا غبي افهم", "personal_attacks_languages/insult-you-ar"),
        ("يلعن ابوك", "profanity_languages/swear-words-ar"),
        ("الشيعة حثالة", "abuse_languages/group-dehumanised-ar"),
        ("اليهود جرذان", "abuse_languages/group-dehumanised-ar"),
        # Persian, with and without the zero-width non-joiner.
        ("می‌کشیمتون یکی یکی", "threats_languages/kill-you-fa"),
        ("میکشمت", "threats_languages/kill-you-fa"),
        ("سرشونو باید برید", "threats_languages/call-to-kill-fa"),
        ("مرگ بر ترکها", "threats_languages/death-to-fa"),
        ("تو یه نفهم به تمام معنایی", "personal_attacks_languages/insult-you-fa"),
        ("کسکش", "profanity_languages/swear-words-fa"),
        ("یهودی‌ها انگل هستند", "abuse_languages/group-dehumanised-fa"),
        # Turkish, with and without the Turkish letters.
        ("seni gebertecegim", "threats_languages/kill-you-tr"),
        ("Boğazını keseceğim senin", "threats_languages/kill-you-tr"),
        ("Alevileri öldürmek lazım", "threats_languages/call-to-kill-tr"),
        ("Araplara ölüm", "threats_languages/death-to-tr"),
        ("sen gerizekalısın", "personal_attacks_languages/insult-you-tr"),
        ("SIKTIR GIT", "profanity_languages/swear-words-tr"),
        ("Suriyeliler hayvandır", "abuse_languages/group-dehumanised-tr"),
        ("Eşcinseller iğrenç", "abuse_languages/group-dehumanised-tr"),
        # Kurmanji.
        ("Em ê we bikujin", "threats_languages/kill-you-ku"),
        ("Divê hemû xayîn bên kuştin", "threats_languages/call-to-kill-ku"),
        ("Tu ehmeqî", "personal_attacks_languages/insult-you-ku"),
        ("Ermen pîs in", "abuse_languages/group-dehumanised-ku"),
        # Sorani, with ە and with the ه some keyboards type for it.
        ("دەیانکوژم", "threats_languages/kill-you-ckb"),
        ("دهتکوژم", "threats_languages/kill-you-ckb"),
        ("مەرگ بۆ تورکەکان", "threats_languages/death-to-ckb"),
        ("تۆ گێلیت", "personal_attacks_languages/insult-you-ckb"),
        ("عەرەبەکان هەموو سەگن", "abuse_languages/group-dehumanised-ckb"),
    ],
)
def test_rejected_with_the_rule_of_its_language(ruleset: Ruleset, text: str, rule: str) -> None:
    assert rule in fired(ruleset, text)


@pytest.mark.parametrize(
    "text",
    [
        # News of war and violence.
        "قتل خمسة جنود في هجوم على نقطة تفتيش",
        "الجيش قتلهم في المعركة الأخيرة",
        "در انفجار دیروز سه نفر کشته شدند",
        "Saldırıda iki asker öldü",
        "Li Kobanê şer berdewam e û gelek kes hatin kuştin",
        "لە هێرشەکەدا دوو پێشمەرگە شەهید بوون",
        # Politics: the words alone.
        "النظام والاحتلال والدكتاتور كلها كلمات في نشرة الاخبار",
        "حزب العمال الكردستاني والحكومة التركية",
        "رژیم جمهوری اسلامی دیکتاتوری است",
        "PKK ve hükümet müzakere masasına dönmeli",
        "Rejîm û dagirker û şehîd",
        "ڕژێم و داگیرکەر و شەهید",
        "الجهاد كلمة لها معان في الفقه",
        # Slogans against a system, and reported chants.
        "الموت للاستبداد",
        "مرگ بر استبداد",
        "Faşizme ölüm",
        "Bimre faşîzm",
        "مەرگ بۆ دیکتاتۆری",
        # Everyday talk near the listed words.
        "هیچ کس نیامد",
        "Canım sıkıldı, biraz yürüyeceğim",
        "Adı ne senin?",
        "Min kir û çûm",
        "قربون سرت برم",
        "الكلب ينبح على الباب",
        "Köpeğimi gezdirdim",
        "سەگەکەم لە باخچەدایە",
        # Groups with praise, or with a negated predicate.
        "الأكراد والعرب والتركمان يعيشون معا",
        "کردها حیوان نیستند",
        "Kürtler hayvan değil",
        "Kurd û Ereb bira ne",
        "کورد و عەرەب برای یەکترن",
    ],
)
def test_approved(ruleset: Ruleset, text: str) -> None:
    assert ruleset.evaluate(text).decision == "approve", fired(ruleset, text)


def test_a_match_is_the_text_as_written(ruleset: Ruleset) -> None:
    # Harakat and the stretching stroke are folded away for matching, but the match is what was sent.
    text = "قال: سَأَقْتُـــلُكَ"
    match = ruleset.evaluate(text).reasons[0].matches[0]
    assert text[match.start : match.end] == "سَأَقْتُـــلُكَ"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("نرجو أن تنشروا المزيد من التقارير عن المدينة", "ar"),
        ("لطفا گزارش‌های بیشتری درباره شهر منتشر کنید", "fa"),
        ("Lütfen şehir hakkında daha fazla haber yayınlayın.", "tr"),
        ("ئەم ڕاپۆرتە زۆر بە سوودە، دەستتان خۆش بێت", "ckb"),
    ],
)
def test_the_languages_with_rules_are_reported_as_covered(ruleset: Ruleset, text: str, language: str) -> None:
    assert language_report(text, ruleset.settings.languages).to_dict() == {"detected": language, "covered": True}
