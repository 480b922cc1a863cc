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


# The general frames of each language: the writer's will over any target, a call or a demand, a wish,
# and what is said of a people by name, by its adjective or by one member.
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Arabic: "them" joined to the verb, a group as a word of its own, "must be hanged", wishes.
        ("سنقتلكم جميعا", "threats_languages/kill-you-ar"),
        ("والله لأذبحه", "threats_languages/kill-you-ar"),
        ("سأقتل كل كردي أراه", "threats_languages/kill-you-ar"),
        ("اقتلوا الايزيديين", "threats_languages/call-to-kill-ar"),
        ("يجب شنقه", "threats_languages/call-to-kill-ar"),
        ("الله يدمرهم", "threats_languages/call-to-kill-ar"),
        ("الشعب الكردي خونة", "abuse_languages/group-dehumanised-ar"),
        ("الطائفة الشيعية سرطان في جسد الامة", "abuse_languages/group-dehumanised-ar"),
        ("يجب ترحيل كل السوريين", "abuse_languages/exclusion-ar"),
        ("انت كذاب ومنافق", "personal_attacks_languages/insult-you-ar"),
        # Persian: the object as a word, the formal future, "must be massacred".
        ("همتونو میکشم", "threats_languages/kill-you-fa"),
        ("شمارو خواهم کشت", "threats_languages/kill-you-fa"),
        ("اعدامتون میکنیم", "threats_languages/kill-you-fa"),
        ("کردها باید قتل عام بشن", "threats_languages/call-to-kill-fa"),
        ("یهودیها کثیف و نجس هستند", "abuse_languages/group-dehumanised-fa"),
        ("عربها همه تروریستن", "abuse_languages/group-dehumanised-fa"),
        ("مردم کرد همه خائن هستند", "abuse_languages/group-dehumanised-fa"),
        # Turkish: any victim before a first-person verb, imperatives with an object, wishes.
        ("Sizi öldüreceğiz", "threats_languages/kill-you-tr"),
        ("Kürtleri tek tek keseceğiz", "threats_languages/kill-you-tr"),
        ("seni vuracağım", "threats_languages/kill-you-tr"),
        ("Arapları kurşunlayın", "threats_languages/call-to-kill-tr"),
        ("Allah onları kahretsin", "threats_languages/call-to-kill-tr"),
        ("Kürt milleti haindir", "abuse_languages/group-dehumanised-tr"),
        ("Araplar pis ve iğrenç", "abuse_languages/group-dehumanised-tr"),
        ("Arap ırkı barbardır", "abuse_languages/group-dehumanised-tr"),
        ("sen hainsin", "personal_attacks_languages/insult-you-tr"),
        # Kurmanji and Sorani.
        ("Em ê Kurdan tune bikin", "threats_languages/kill-you-ku"),
        ("Tirkan bikujin", "threats_languages/call-to-kill-ku"),
        ("Divê ew bê kuştin", "threats_languages/call-to-kill-ku"),
        ("Ereb hemû wek kûçikan in", "abuse_languages/group-dehumanised-ku"),
        ("Gelê Ereb hemû xayîn in", "abuse_languages/group-dehumanised-ku"),
        ("کوردەکان دەکوژین", "threats_languages/kill-you-ckb"),
        ("تورکەکان تیرۆریستن", "abuse_languages/group-dehumanised-ckb"),
        ("گەلی عەرەب خائینن", "abuse_languages/group-dehumanised-ckb"),
        # The old slander of the Yazidis.
        ("الايزيديين عبدة الشيطان", "abuse_languages/group-dehumanised-ar"),
        ("Ezidiler şeytana taparlar", "abuse_languages/group-dehumanised-tr"),
    ],
)
def test_general_frames_reject_with_the_rule_of_their_language(ruleset: Ruleset, text: str, rule: str) -> None:
    assert rule in fired(ruleset, text)


@pytest.mark.parametrize(
    "text",
    [
        # News of violence, with the verbs of the threat frames in the third person or the passive.
        "قتل ثلاثة أشخاص في انفجار سيارة مفخخة في الموصل",
        "الجيش التركي قصف القرى الكردية وقتل مدنيين",
        "داعش ذبح الايزيديين في سنجار عام 2014",
        "الميليشيات قتلتهم بدم بارد",
        "هجروا الأكراد من قراهم عام 1988",
        "طردوا العراقيين من المصنع بعد الاضراب",
        "أحرقوا المنازل ثم انسحبوا من القرية",
        "أعدموه شنقا بعد محاكمة صورية",
        "در انفجار تروریستی در کابل ده نفر کشته شدند",
        "ارتش ترکیه روستاهای کردنشین را بمباران کرد",
        "Militanlar beş askeri öldürdü",
        "Türk ordusu köyleri bombaladı",
        "Li Efrînê çekdaran sê sivîl kuştin",
        "لە هێرشی درۆنێکدا سێ چەکدار کوژران",
        "تیرۆریستەکان خەڵکیان دەکوشت",
        "ئەوان دەیانویست بیانکوژن",
        # Heated criticism of governments, parties and leaders.
        "الحكومة العراقية فاسدة وفاشلة",
        "جمهوری اسلامی دیکتاتوری فاسدی است که مردم را سرکوب می کند",
        "خامنه‌ای مسئول کشتار مردم است",
        "Hükümet yalan söylüyor, bu iktidar halkı ezdi",
        "Erdoğan bir diktatör gibi davranıyor",
        "Hikûmeta Tirkiyê zordar e û divê dev ji êrîşan berde",
        "پارتی و یەکێتی هەردووکیان گەندەڵن",
        # Peoples named neutrally or with praise, and victims of dehumanising treatment.
        "الشيعة والسنة اخوة في هذا الوطن",
        "الشعب الكردي يستحق الحرية",
        "آشوری ها در ارومیه کلیسای قدیمی دارند",
        "مردم کرد در انتخابات شرکت کردند",
        "Kürtler ve Türkler kardeştir",
        "Kürt halkı hayvan gibi muamele görmemeli",
        "Gelê Kurd li hêviya aştiyê ye",
        "کورد و عەرەب و تورکمان لە کەرکووک پێکەوە دەژین",
        "الايزيديون يحتفلون برأس السنة في لالش",
        "Ezidiler Laliş'te bayram kutladı",
        "Kürtler terörist olarak görülmemeli",
        "ایزدی‌ها در سنجار قربانی نسل کشی شدند",
        # A noun of contempt that is the object of a verb or of a preposition, not said of the people.
        "Mülteciler virüs taşıyor mu diye test edildi",
        "Kadınlar domuz eti yemiyor",
        "Suriyeliler köpek besliyor",
        "زنها کرم و لوسیون بیشتری می خرند",
        "يعيش بين اللاجئين كلاب ضالة كثيرة",
        # Religious phrases and ordinary verbs that share a root with the threats.
        "اللهم انصر المظلومين",
        "سنطعن في قرار المحكمة",
        "ما برای شهدا دعا کردیم، خدا رحمتشان کند",
        "من هر روز سیگار میکشم",
        "Allah rahmet eylesin",
        "Domatesleri doğrarım sonra pişiririm",
        "Bu maçta onları ezeceğiz",
        "Xwedê rehma xwe li wan bike",
        "خوا ڕەحمەتی بکات",
    ],
)
def test_news_politics_and_prayers_stay_approved(ruleset: Ruleset, text: str) -> None:
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
