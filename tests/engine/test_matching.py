"""Templates matched over a comment: slots, alternatives, options, gaps, stems, anchors and the operators."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Find = Callable[..., list[str]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you are a moron", ["you are a moron"]),
        ("u r", []),
        ("You're a total idiot!", ["You're a total idiot"]),  # a contraction is also read as two words
        ("you guys are clowns", ["you guys are clowns"]),
        ("you are nice", []),
    ],
)
def test_slots_alternatives_and_optional(find: Find, text: str, expected: list[str]) -> None:
    assert find("{second_person} ({be}|'re) a? {intensifier}? {insult}", text) == expected


def test_lexicons_are_inflected(find: Find) -> None:
    assert find("{violent_verb} them", "she stabbed them") == ["stabbed them"]
    assert find("{violent_verb} them", "they shot them") == ["shot them"]
    assert find("{violent_verb} them", "he is beating up them") == ["beating up them"]


HEAD_ALTERNATIVES = """
victim: [them, him]
metal: [gold, silver]
tear_apart: {inflect: verb, words: ["(tear|rip) {victim} apart", "(kick|punch) {victim}"]}
cruel_pair: {inflect: noun, words: ["{metal} (rat|dog)", "(big|red) (apple|pear) of {metal}"]}
"""


def test_an_alternative_of_words_inflects_as_a_word(find: Find) -> None:
    """The head of an entry with a slot may be a choice of single words: each of them takes its forms."""
    assert find("{tear_apart}", "they tore them apart", HEAD_ALTERNATIVES) == ["tore them apart"]
    assert find("{tear_apart}", "she is ripping them apart", HEAD_ALTERNATIVES) == ["ripping them apart"]
    assert find("{tear_apart}", "he kicked him", HEAD_ALTERNATIVES) == ["kicked him"]
    assert find("{cruel_pair}", "silver dogs", HEAD_ALTERNATIVES) == ["silver dogs"]
    # A noun's head before "of" is the alternative before it; the words after "of" keep their form.
    assert find("{cruel_pair}", "big apples of gold", HEAD_ALTERNATIVES) == ["big apples of gold"]
    assert find("{cruel_pair}", "big apple of golds", HEAD_ALTERNATIVES) == []


PHRASE_ALTERNATIVES = """
victim: [them, him]
silencing: {inflect: verb, words: ["(silence|deal with|take out) {victim} (for good)?"]}
sad_tale: {inflect: noun, words: ["(old man|sad story)"]}
"""


def test_phrases_among_alternatives_inflect_their_own_heads(find: Find) -> None:
    """An alternative of phrases inflects each phrase's head: a verb's first word, a noun's last."""
    assert find("{silencing}", "we dealt with him for good", PHRASE_ALTERNATIVES) == ["dealt with him for good"]
    assert find("{silencing}", "they are taking out them", PHRASE_ALTERNATIVES) == ["taking out them"]
    assert find("{silencing}", "she silenced him", PHRASE_ALTERNATIVES) == ["silenced him"]
    assert find("{silencing}", "we deal withs him", PHRASE_ALTERNATIVES) == []
    assert find("{sad_tale}", "two old men", PHRASE_ALTERNATIVES) == ["old men"]
    assert find("{sad_tale}", "sad stories", PHRASE_ALTERNATIVES) == ["sad stories"]


def test_contractions_are_read_as_two_words_and_as_one(find: Find) -> None:
    assert find("{second_person} are {insult}", "you're idiots") == ["you're idiots"]
    assert find("(do|does) not belong", "they don't belong here") == ["don't belong"]
    assert find("will not stop", "we won't stop") == ["won't stop"]
    assert find("you're {insult}", "you're idiots") == ["you're idiots"]


def test_gaps_stay_inside_their_size_and_sentence(find: Find) -> None:
    template = "hate *2 {insult}"
    assert find(template, "I hate that stupid moron") == ["hate that stupid moron"]
    assert find(template, "I hate that big stupid moron") == []
    assert find(template, "I hate it. Moron.") == []


def test_a_match_stays_inside_one_sentence(find: Find) -> None:
    assert find("{insult} {second_person}", "what a moron you are") == ["moron you"]
    assert find("{insult} {second_person}", "what a moron. You are right") == []


def test_modifiers_may_stand_between_parts(find: Find) -> None:
    template = "{second_person} {be} {insult}"
    assert find(template, "you are really truly an idiot") == []  # "an" is no modifier
    assert find(template, "you are without a doubt idiot") == ["you are without a doubt idiot"]
    assert find(template, "you are so really truly idiot") == ["you are so really truly idiot"]
    assert find(template, "you are so really truly so idiot") == []  # at most three


def test_modifiers_can_be_switched_off_for_a_rule(find: Find) -> None:
    assert find("{second_person} {be} {insult}", "you are really idiot", options="modifiers: false") == []


def test_stems_and_endings_match_inside_words(find: Find) -> None:
    assert find("kill* (him|her)", "killing him") == ["killing him"]
    assert find("*fucker", "motherfucker") == ["motherfucker"]


def test_leetspeak_and_stretching_reach_templates(find: Find) -> None:
    assert find("{violent_verb} {second_person}", "I will k1ll y0u") == ["k1ll y0u"]
    assert find("{insult}", "what a moorroon") == []  # only runs of three or more letters shrink
    assert find("{insult}", "what a morooon") == ["morooon"]


def test_longest_match_wins(find: Find) -> None:
    assert find("{second_person} (are|are a|are a total)? {insult}", "you are a total moron") == ["you are a total moron"]


def test_sentence_anchors(find: Find) -> None:
    assert find("^ {violent_verb} them", "Kill them all") == ["Kill them"]
    assert find("^ {violent_verb} them", "they wanted to kill them") == []
    assert find("^ {violent_verb} them", "Enough. Kill them") == ["Kill them"]
    assert find("{insult} $", "you moron") == ["moron"]
    assert find("{insult} $", "you moron and clown") == ["clown"]
    assert find("{insult} $", "a moron said so") == []


def test_lists_of_a_part(find: Find) -> None:
    template = "{nation}+ {be} {insult}"
    assert find(template, "Kurds, Arabs and Kurds are clowns") == ["Kurds, Arabs and Kurds are clowns"]
    assert find(template, "Kurds or Arabs are morons") == ["Kurds or Arabs are morons"]
    assert find(template, "Kurds are clowns") == ["Kurds are clowns"]


def test_negation_of_a_part(find: Find) -> None:
    template = "{nation} not:(human|worth anything)"
    assert find(template, "Kurds are not human") == []  # "are" is not part of the template
    assert find("{nation} {be}? not:(human|worth anything)", "Kurds are not human") == ["Kurds are not human"]
    assert find("{nation} {be}? not:(human|worth anything)", "Arabs aren't worth anything") == ["Arabs aren't worth anything"]
    assert find("{nation} {be}? not:(human|worth anything)", "Arabs are never really human") == ["Arabs are never really human"]
    assert find("{nation} {be}? not:(human|worth anything)", "Arabs are human") == []


def test_groups_lexicon_forms(find: Find) -> None:
    assert find("{nation} {be} {insult}", "Kurdish women are morons") == ["Kurdish women are morons"]
    assert find("{nation} {be} {insult}", "Kurds are morons") == ["Kurds are morons"]
    assert find("a {nation_one} {be} {insult}", "a Kurdish man is a clown") == []  # "a" before clown
    assert find("a {nation_one} {be} {insult}", "a Kurd is clown") == ["a Kurd is clown"]
    assert find("{nation_adjective} {insult}", "Arab clowns") == ["Arab clowns"]
    assert find("{nation_adjective} {insult}", "Arabs clown") == []


def test_pronouns_refer_back_to_a_group_named_before(find: Find) -> None:
    template = "I hate {nation}"
    assert find(template, "Kurds live in Iraq. I hate them.") == ["I hate them"]
    assert find(template, "I hate them.") == []
    assert find(template, "I hate them. Kurds live in Iraq.") == []


def test_pronouns_refer_back_to_one_member_named_before(find: Find) -> None:
    template = "I hate {nation}"
    assert find(template, "My neighbour is a Kurd. I hate them.") == ["I hate them"]
    assert find(template, "A Kurdish woman runs the shop. I hate them.") == ["I hate them"]
    assert find(template, "I hate them. My neighbour is a Kurd.") == []


NEAR_RULE = """
category: profanity
rules:
  - id: swearing
    message: Swearing
    words: [bitch, fuck]
    unless_near:
      - window: 6
        words: [puppies, litter, whelped]
        of: [bitch]
    examples:
      reject: ["fuck the bitch had six puppies"]
      approve: ["the bitch had six puppies", "puppies from a bitch"]
"""


def test_a_cue_word_cancels_hits_nearby_in_any_order_and_only_of_its_words(write_rules: Callable[..., object]) -> None:
    from pathlib import Path

    from moderation.engine import load_ruleset

    directory = write_rules({"p.yml": NEAR_RULE})
    assert isinstance(directory, Path)
    ruleset = load_ruleset(directory)
    assert not ruleset.evaluate("the bitch had six puppies").rejected
    assert not ruleset.evaluate("six puppies, and the bitch is fine").rejected
    assert [m.text for r in ruleset.evaluate("fuck the bitch had six puppies").reasons for m in r.matches] == ["fuck"]
    assert ruleset.evaluate("the bitch had a long day and many other things happened, then the puppies came").rejected  # too far


def test_a_comma_between_two_parts(find: Find) -> None:
    assert find("{be}? , {insult} $", "put your money where your mouth is, moron.") == ["is, moron"]
    assert find(", {insult} $", "Go back to your forum, clown.") == ["clown"]  # the comma is a boundary, not a token
    assert find(", {insult} $", "acrobats and clowns.") == []


def test_a_capitalised_word_inside_a_sentence_is_a_name(find: Find) -> None:
    template = "{capitalized} {be} a? {insult}"
    assert find(template, "I think Erdogan is a clown") == ["Erdogan is a clown"]
    assert find(template, "Clowns are everywhere") == []  # the first word of a sentence
    assert find(template, "I think NATO is a clown") == []  # capitals all through: an acronym or shouting
    assert find("{capitalized}+ {be} a? {insult}", "so Recep Tayyip Erdogan is a moron") == ["Recep Tayyip Erdogan is a moron"]


def test_a_word_no_dictionary_knows_opening_a_sentence_is_a_name(find: Find) -> None:
    template = "{capitalized} {be} a? {insult}"
    assert find(template, "Kowalczyk is a clown") == ["Kowalczyk is a clown"]
    assert find(template, "@anna Kowalczyk is a clown") == ["Kowalczyk is a clown"]  # handles do not start the sentence
    assert find(template, "Clowns are clowns") == []  # a dictionary word: every first word has a capital
    assert find(template, "The clown is a clown") == []
    assert find(template, "kowalczyk is a clown") == []  # no capital, no name
    assert find(template, "so Vandersloot is a clown") == ["Vandersloot is a clown"]  # one name, though read as "van der sloot"


def test_a_names_s_is_read_as_is_and_as_a_possessive(find: Find) -> None:
    template = "{capitalized} {be} a? {insult}"
    assert find(template, "Erdogan's a clown") == ["Erdogan's a clown"]
    assert find(template, "I think Kowalczyk's a moron, honestly") == ["Kowalczyk's a moron"]
    assert find(template, "erdogan's a clown") == []  # no capital, no name
    assert find("{capitalized} (friend|friends) {be} {insult}", "Erdogan's friends are clowns") == ["Erdogan's friends are clowns"]
    assert find("{capitalized} {be} {insult}", "so Erdogan's clowns") == ["Erdogan's clowns"]  # both readings stand


def test_a_lone_equals_sign_is_read_as_is(find: Find) -> None:
    assert find("{capitalized} {be} a? {insult}", "so Erdogan = clown") == ["Erdogan = clown"]
    assert find("he {be} a? {insult}", "he=clown") == []  # only an "=" standing apart, as a word


def test_pronoun_s_is_read_as_is(find: Find) -> None:
    assert find("he {be} a {insult}", "he's a moron") == ["he's a moron"]
    assert find("{nation} {be} {insult}", "the Kurds's clown") == []  # a possessive, not "is"
    assert find("let us {violent_verb} them", "let's kill them") == ["let's kill them"]


def test_emoji_are_tokens(find: Find) -> None:
    assert find("{second_person} {be} (🤡|💩)", "you are 🤡🤡") == ["you are 🤡"]


def test_handles_before_a_sentence_do_not_stop_it_from_starting(find: Find) -> None:
    assert find("^ {insult} {second_person}", "@anna @bob clown you are") == ["clown you"]
    assert find("^ {insult} {second_person}", "hey clown you are") == []


def test_base_forms_of_an_inflected_lexicon(find: Find) -> None:
    assert find("^ {violent_verb:base} them", "Kill them") == ["Kill them"]
    assert find("^ {violent_verb:base} them", "Killed them") == []
    assert find("^ {violent_verb} them", "Killed them") == ["Killed them"]


OF_LEXICON_RULE = """
category: threat
rules:
  - id: kill
    message: Threat
    templates: ["i will {kill_verb} you"]
    unless_near:
      - window: 3
        words: [match, game]
        of: ["{kill_verb}"]
    examples:
      reject: ["i will kill you"]
      approve: ["i will destroy you in the match"]
"""


def test_the_words_a_cue_cancels_may_be_a_lexicon(write_rules: Callable[..., object]) -> None:
    from pathlib import Path

    from moderation.engine import load_ruleset

    directory = write_rules({"t.yml": OF_LEXICON_RULE, "lexicons/v.yml": "kill_verb: {inflect: verb, words: [kill, destroy]}\n"})
    assert isinstance(directory, Path)
    ruleset = load_ruleset(directory)
    assert not ruleset.evaluate("i will destroy you in the game").rejected
    assert ruleset.evaluate("i will kill you").rejected
