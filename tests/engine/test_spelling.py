"""The speller: misspellings of rule words, masked letters and run-together words, never of known words."""

from __future__ import annotations

import pytest

from moderation.engine.spelling import COMMON_RANK, MISSPELLING_RARITY, Speller, is_typo, rare_misspellings, sounds_alike

SPELLER = Speller(
    ["idiot", "women", "muslims", "shit", "fuck", "slut", "stupid", "hate", "kill", "all", "kurds", "trash", "death", "jism", "sickening"],
    no_typos=["slut"],
    known_words=frozenset({"i", "all", "so", "sick", "form", "from", "jims", "sickening", "the", "kill", "kurds"}),
    common_words=frozenset({"i", "all", "so", "the"}),
    names=["muslims", "kurds"],
)


@pytest.mark.parametrize(
    ("token", "word", "expected"),
    [
        ("idoit", "idiot", True),  # neighbours swapped
        ("wmoen", "women", True),
        ("deaht", "death", True),  # the last two of a five-letter word
        ("dubm", "dumb", True),  # the last two of a four-letter word
        ("gya", "gay", False),  # a three-letter word is too short to read as a typo
        ("fcuk", "fuck", True),
        ("stupd", "stupid", True),  # one letter left out
        ("tupid", "stupid", False),  # never the first letter
        ("stupidd", "stupid", False),  # letters added are not read back
        ("stypid", "stupid", False),  # nor letters changed
        ("hat", "hate", False),  # a letter left out of a four-letter word
        ("kil", "kill", True),  # but one of its doubled letters may be
        ("wil", "will", True),
        ("kll", "kill", False),
    ],
)
def test_typos_are_swaps_and_omissions(token: str, word: str, expected: bool) -> None:
    assert is_typo(token, word) is expected


def test_unknown_words_are_read_as_the_rule_words_they_misspell() -> None:
    assert SPELLER.misspelt("idoit") == ("idiot",)
    assert SPELLER.misspelt("trahs") == ("trash",)


@pytest.mark.parametrize(
    ("token", "word", "expected"),
    [
        ("stupud", "stupid", True),  # a vowel for a vowel
        ("sickenong", "sickening", True),
        ("discusting", "disgusting", True),  # consonants that sound alike
        ("stopid", "stupid", True),
        ("stubid", "stupid", True),
        ("stumid", "stupid", False),  # "m" and "p" sound nothing alike
        ("ttupid", "stupid", False),  # never the first letter
        ("idiet", "idiot", False),  # too short: five-letter words change into others
        ("stupod", "stupid", True),
        ("stuped", "stupid", True),
        ("stuupd", "stupid", False),  # two letters changed
    ],
)
def test_a_letter_may_be_written_as_one_that_sounds_alike(token: str, word: str, expected: bool) -> None:
    assert sounds_alike(token, word) is expected


def test_a_sound_alike_misspelling_is_read_as_the_rule_word() -> None:
    assert SPELLER.misspelt("stupud") == ("stupid",)
    assert SPELLER.misspelt("sickenong") == ("sickening",)
    assert SPELLER.misspelt("stumid") == ()


def test_known_words_are_never_misread() -> None:
    assert SPELLER.misspelt("jims") == ()
    assert SPELLER.misspelt("form") == ()


def test_a_lexicon_can_keep_its_words_out_of_misspellings() -> None:
    assert SPELLER.misspelt("sltu") == ()


def test_a_word_written_as_a_name_is_read_only_as_a_name() -> None:
    assert SPELLER.misspelt("muslmis", name=True) == ("muslims",)
    assert SPELLER.misspelt("idoit", name=True) == ()


def test_masked_letters() -> None:
    assert set(SPELLER.unmasked("s**t")) == {"shit", "slut"}
    assert SPELLER.unmasked("f*ck") == ("fuck",)
    assert SPELLER.unmasked("*is*") == ()  # emphasis, not a word
    assert SPELLER.unmasked("f***") == ()  # more masks than letters


def test_run_together_words_split_only_into_known_words_around_a_rule_word() -> None:
    assert SPELLER.segments("killallkurds") == ((0, 4), (4, 7), (7, 12))
    assert SPELLER.segments("sosickening") == ((0, 2), (2, 11))
    assert SPELLER.segments("xqzpwvkrtl") == ()  # nothing the rules name inside
    assert SPELLER.segments("sickening") == ()  # a known word stays whole


def test_camel_case_splits_only_into_known_words() -> None:
    assert SPELLER.split_at("killall", [4]) == ((0, 4), (4, 7))
    assert SPELLER.split_at("mcdonald", [2]) == ()


# A frequency list, most frequent first: rule words near the top, filler in between, rare spellings far down.
FILLER = [f"filler{index}" for index in range(MISSPELLING_RARITY * 10 + COMMON_RANK)]
RANKED = ["the", "will", "should", "kill", "shoot", *FILLER, "wil", "sould", "kil", "shot"]


def test_rare_misspellings_in_the_frequency_list_are_not_words() -> None:
    found = rare_misspellings(["will", "should", "kill", "shoot"], RANKED)
    assert found == {"wil", "sould", "kil"}  # "shot" is a dictionary word: never a misspelling of "shoot"


def test_a_misspelling_must_be_far_rarer_than_the_rule_word() -> None:
    near = ["will", *(f"filler{index}" for index in range(COMMON_RANK)), "wil"]
    assert rare_misspellings(["will"], near) == {"wil"}
    common = ["will", *(f"filler{index}" for index in range(COMMON_RANK - 10)), "wil"]
    assert rare_misspellings(["will"], common) == frozenset()  # among the commonest words: a word
    late = [*(f"filler{index}" for index in range(COMMON_RANK)), "will", "wil"]
    assert rare_misspellings(["will"], late) == frozenset()  # hardly rarer than the word


def test_a_rule_word_just_frequent_enough_can_still_have_a_misspelling_at_the_end_of_the_list() -> None:
    # "pillow" at rank 100 needs a misspelling at rank 50 * 101 or further: the list's last word is just there.
    head = [f"filler{index}" for index in range(100)]
    ranked = [*head, "pillow", *(f"filler{index}" for index in range(100, MISSPELLING_RARITY * 101 - 1)), "pilow"]
    assert ranked.index("pilow") == MISSPELLING_RARITY * 101 == len(ranked) - 1
    assert rare_misspellings(["pillow"], ranked) == {"pilow"}
    assert rare_misspellings(["pillow"], ranked[:-1]) == frozenset()  # no word that far down


def test_the_speller_reads_frequent_misspellings_as_rule_words() -> None:
    speller = Speller(["will", "should", "kill", "shoot"], (), frozenset(RANKED), frozenset(RANKED[:5]), ranked_words=RANKED)
    assert speller.misspelt("wil") == ("will",)
    assert speller.misspelt("sould") == ("should",)
    assert speller.misspelt("shot") == ()  # a real word stays itself
    assert not speller.is_known("kil")
    assert speller.extended(["hurt"], (), (), frozenset(), frozenset()).misspelt("kil") == ("kill",)


@pytest.mark.parametrize(
    "word",
    ["walked", "geese", "better", "quickly", "all", "another", "Walked", "wil", "sould", "idoit", "qzxv", "children", "'ll"],
)
def test_the_dictionary_words_agree_with_lemminflects_lookup(word: str) -> None:
    from lemminflect import getAllLemmas

    from moderation.engine.spelling import dictionary_words, is_dictionary_word

    assert dictionary_words() is not None  # read from lemminflect's files, not by its loader
    assert is_dictionary_word(word) == bool(getAllLemmas(word))


def test_a_word_written_as_a_name_is_cut_only_after_a_name() -> None:
    # Mid-sentence and capitalised, "Killallkurds" reads as a name ("Cumbaria" is a place, not "cum bari a") ...
    assert SPELLER.read("killallkurds", "killallkurds", name=True).parts == ()
    assert SPELLER.read("killallkurds", "killallkurds").parts == ((0, 4), (4, 7), (7, 12))
    # ... but a people's name run into the next word is still cut: "These Kurdskill ...".
    assert SPELLER.read("kurdskill", "kurdskill", name=True).parts == ((0, 5), (5, 9))
