"""The token lattice: other readings of a comment's tokens as edges, sentences and quotations."""

from __future__ import annotations

from moderation.engine.compiled import letters_automaton
from moderation.engine.lattice import Lattice, build_lattice
from moderation.engine.normalize import fold
from moderation.engine.spelling import Speller

VOCABULARY = ["fuck", "refugee", "idiot", "dumb", "dimwit", "hate", "kill", "all", "kurds", "death", "to", "arabs", "women", "scum"]
KNOWN = frozenset(
    {
        "i",
        "you",
        "are",
        "a",
        "an",
        "so",
        "what",
        "the",
        "to",
        "all",
        "hate",
        "kill",
        "kurds",
        "women",
        "death",
        "this",
        "people",
        "who",
        "re",
        "pen",
        "is",
    }
)
COMMON = frozenset({"i", "you", "are", "a", "so", "what", "the", "to", "all", "is", "re", "pen", "who"})
SPELLER = Speller(VOCABULARY, (), KNOWN, COMMON, names=["kurds", "arabs"])
LETTERS = letters_automaton(VOCABULARY)


def lattice(text: str) -> Lattice:
    return build_lattice(fold(text), SPELLER, LETTERS)


def readings(text: str) -> set[tuple[str, str]]:
    """(text covered, spelling) of every extra edge."""
    built = lattice(text)
    found = set()
    for start, edges in built.extra.items():
        for end, forms in edges:
            first, last = built.char_span(start, end)
            found.update((text[first:last], form) for form in forms)
    return found


def words(text: str) -> list[str]:
    built = lattice(text)
    return [text[start:end] for start, end in zip(built.starts, built.ends, strict=True)]


def test_spaced_out_letters_become_one_edge() -> None:
    for text in ("f u c k you", "f.u.c.k you", "f-u-c-k you", "f. u. c. k you"):
        assert "fuck" in {form for _covered, form in readings(text)}, text


def test_only_rule_words_are_joined_from_letters() -> None:
    found = readings("x f u c k")
    assert ("f u c k", "fuck") in found
    assert not any(form == "xfu" for _covered, form in found)


def test_spaced_letters_inside_a_phrase_keep_the_words_around_them() -> None:
    text = "stab the next r e f u g e e I see"
    assert ("r e f u g e e", "refugee") in readings(text)
    assert words(text)[:3] == ["stab", "the", "next"]


def test_a_word_split_around_a_fragment_or_a_hyphen_is_joined() -> None:
    assert ("id iot", "idiot") in readings("you id iot")
    assert ("du mb", "dumb") in readings("so du mb")
    assert ("dim-wit", "dimwit") in readings("a dim-wit")


def test_common_words_and_articles_stay_apart() -> None:
    assert readings("who re elected") == set()
    assert readings("a hoe") == set()
    assert readings("id  iot") == set()  # two spaces


def test_run_together_words_are_split_and_kept_whole() -> None:
    assert words("killallkurds now") == ["kill", "all", "kurds", "now"]
    assert ("killallkurds", "killallkurds") in readings("killallkurds now")
    assert words("ihate women") == ["i", "hate", "women"]


def test_camel_case_is_split_at_capitals() -> None:
    assert words("#DeathToArabs") == ["Death", "To", "Arabs"]


def test_contractions_are_two_words_and_one() -> None:
    assert words("you're so dumb") == ["you", "'re", "so", "dumb"]
    assert ("you're", "you're") in readings("you're so dumb")


def test_misspelt_rule_words_get_the_word_as_a_spelling() -> None:
    built = lattice("what an idoit")
    assert "idiot" in built.forms[2]


def test_sentences_split_on_stops_but_not_initials() -> None:
    built = lattice("I hate this. U.S. troops went home! Then what")
    numbers = built.sentence
    assert numbers[0] == numbers[2]  # I hate this
    assert numbers[2] != numbers[3]  # . U
    assert numbers[3] == numbers[4] == numbers[5]  # U.S. troops
    assert numbers[8] != numbers[7]  # home! Then


def test_a_title_with_a_full_stop_ends_no_sentence() -> None:
    built = lattice("call Mr. Barzani now. Dr. Ahmed agrees. I saw them")
    numbers = built.sentence
    assert numbers[0] == numbers[2] == numbers[3]  # call Mr. Barzani now
    assert numbers[3] != numbers[4]  # now. Dr
    assert numbers[4] == numbers[5] == numbers[6]  # Dr. Ahmed agrees
    assert numbers[7] != numbers[6]  # agrees. I


def test_an_exclamation_mark_inside_a_word_is_a_letter_not_a_sentence_end() -> None:
    built = lattice("we should k!ll them all! Now")
    numbers = built.sentence
    assert numbers[2] == numbers[3] == numbers[4]  # k!ll them all: one sentence
    assert numbers[4] != numbers[5]  # all! Now


def test_quotations_of_every_style() -> None:
    styles = ['"you idiot"', "“you idiot”", "«you idiot»", "'you idiot'", "``you idiot''"]
    for text in (f"he said {quoted} to me" for quoted in styles):
        built = lattice(text)
        start = fold(text).text.index("you")
        assert built.quoted(start, start + 3), text
    assert lattice("don't say it's fine").quotes == []
