"""Language detection: English, Kurdish (Kurmanji and Sorani), Arabic, Persian and Turkish, short texts, noise, settings."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest

from moderation.engine import RuleError, Ruleset
from moderation.engine.language import LanguageReport, detect_language, language_report, primary_language

RULE = """
category: profanity
rules:
  - id: swear
    message: Swearing
    words: [darn]
    examples:
      reject: ["oh darn it"]
"""


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Could the council publish the full budget before the vote?", "en"),
        ("My uncle drove a taxi in Sulaymaniyah for thirty years.", "en"),
        ("Honestly 😂😂 this made my day", "en"),
        ("Nobody asked “experts” anything – they just voted.", "en"),
        ("Met the résumé team at the café, they were naïve about Erbil", "en"),
        ("Ji kerema xwe re, vê nûçeyê bi kurdî jî binivîsin.", "ku"),
        ("ئەم ڕاپۆرتە زۆر بە سوودە، دەستتان خۆش بێت", "ckb"),
        ("نرجو أن تنشروا المزيد من التقارير عن المدينة", "ar"),
        ("لطفا گزارش‌های بیشتری درباره این شهر منتشر کنید", "fa"),
        ("Lütfen şehir hakkında daha fazla haber yayınlayın.", "tr"),
    ],
)
def test_detects_the_language_of_a_short_comment(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["ok", "👍👍", "+1 !!!", "12:45", "   ", "https://example.com/a/b", "@someone #tag"])
def test_too_few_letters_to_tell(text: str) -> None:
    assert detect_language(text) is None


def test_links_handles_and_tags_do_not_make_english_foreign() -> None:
    text = "@editor #budget see https://example.org/el/la/de/x?id=7 &amp; <b>the figures are wrong</b>"
    assert detect_language(text) == "en"


def test_kurmanji_typed_without_its_letters_is_not_taken_for_english() -> None:
    # Short Kurmanji tokens ("ez", "ji", "te") are in English frequency lists; they must not make a comment English.
    assert detect_language("Ez ji te re dibêjim, ev rast nine") not in ("en", None)
    assert detect_language("ez ji te re dibejim ev rast nine heval") != "en"


def test_only_the_start_of_a_long_comment_is_read() -> None:
    # A long comment costs no more than its first part: the English start decides, whatever follows.
    text = "This is an ordinary English comment about the new bridge. " * 20 + "نرجو أن تنشروا المزيد " * 500
    assert detect_language(text) == "en"


def test_decomposed_letters_are_read_as_composed() -> None:
    composed = "Lütfen şehir hakkında daha fazla haber yayınlayın."
    decomposed = composed.replace("ü", "u\u0308").replace("ş", "s\u0327")
    assert detect_language(decomposed) == detect_language(composed) == "tr"


def test_report_says_whether_the_rules_cover_it() -> None:
    assert language_report("نرجو أن تنشروا المزيد من التقارير عن المدينة", ("en",)) == LanguageReport("ar", False)
    assert language_report("Could the council publish the budget?", ("en",)) == LanguageReport("en", True)
    assert language_report("نرجو أن تنشروا المزيد من التقارير عن المدينة", ("en", "ar")).covered is True
    assert language_report("ok", ("en",)) == LanguageReport(None, None)
    assert LanguageReport("ckb", False).to_dict() == {"detected": "ckb", "covered": False}


@pytest.mark.parametrize(("tag", "language"), [("en", "en"), ("en-US", "en"), ("EN_gb", "en"), (" ckb ", "ckb"), ("zh-Hant-TW", "zh")])
def test_primary_language(tag: str, language: str) -> None:
    assert primary_language(tag) == language


def test_settings_languages_default_to_english(build: Callable[..., Ruleset]) -> None:
    assert build({"profanity.yml": RULE}).settings.languages == ("en",)


def test_settings_languages_from_the_file(build: Callable[..., Ruleset]) -> None:
    ruleset = build({"profanity.yml": RULE, "settings.yml": "languages: [en, ku, ckb]\n"})
    assert ruleset.settings.languages == ("en", "ku", "ckb")


@pytest.mark.parametrize("value", ["[]", "[English]", "[en-US]", "en", "[1]"])
def test_settings_languages_refused(errors_of: Callable[..., list[RuleError]], value: str) -> None:
    errors = errors_of({"profanity.yml": RULE, "settings.yml": f"languages: {value}\n"})
    assert [error.file for error in errors] == ["settings.yml"]
    assert "languages" in str(errors[0])


def test_works_without_a_network() -> None:
    """The model ships inside the package: detection works in a process where every connection fails."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("no network in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from moderation.engine.language import detect_language
        print(detect_language("Lütfen şehir hakkında daha fazla haber yayınlayın."))
        """
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "tr"
