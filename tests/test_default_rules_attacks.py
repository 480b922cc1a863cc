"""The shipped personal-attack rules: insults aimed at a person in many constructions, and the criticism they must let through."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def categories(ruleset: Ruleset, text: str) -> tuple[str, ...]:
    return ruleset.evaluate(text).categories


@pytest.mark.parametrize(
    "text",
    [
        # A group of commenters named collectively.
        "you lot are a pack of fools",
        "you people are a bunch of morons",
        # A name set off by commas inside a sentence, and mock titles of intelligence.
        "Scroll up, idiot, the answer is there.",
        "Try reading the article, genius.",
        "Oh look, another Einstein who thinks the border moved.",
        # Compared with an animal, a child or a thing.
        "my neighbour's dog has more sense than you",
        "a five year old would make more sense than you",
        "debating with you is like debating with a wall",
        # Rhetorical questions about the reader's mind.
        "how can someone be this thick?",
        "How dense can one person get?",
        "is your head filled with sawdust?",
        "were you dropped on your head?",
        "you do not have a functioning brain",
        # Imperatives that send the reader away to cry or to learn.
        "go sulk in a corner, child",
        "go get an education first",
        # The reader shown to be something.
        "you managed to be both rude and clueless",
        "you proved to be a total fool",
        # A diminutive turns a judgement into contempt for the person, whoever it is.
        "the minister is a gutless little man",
        "what a cowardly little fella",
        "honestly, you are below contempt",
        # Set phrases and idioms that call someone stupid.
        "she's not quite the sharpest knife in the drawer",
        "the light is on but no one is home",
        "if brains were gunpowder he could not blow his hat off",
        "you couldn't spot a lie if it bit you",
        "shall I explain it using small words?",
        # Jibes about the reader's mind, and being told to go away.
        "you should get your head examined",
        "you belong in a loony bin",
        "do the world a favour and stop typing",
        "stop humiliating yourself",
        "no one wants to read your posts",
        "I pity your students",
        "you look like a walrus",
        "stop acting like a toddler",
        # An adjective or a herd word as a name.
        "hey stupid, read the article",
        "listen here dumb",
        "you sheep",
        "you and your clueless friends",
        "nobody here likes you",
        # A child's age, reading and schooling.
        "are you ten?",
        "you obviously cannot read",
        "did you even go to high school?",
        "your IQ is lower than your shoe size",
        # Wishing the reader unborn, and taunts about where they live.
        "your mother should have aborted you",
        "never reproduce, please",
        "you still live with your mum",
        "you're embarrassing yourself",
        # Judgements of courage and use said of "he" or "she".
        "he is a coward",
        "she's hopeless",
        # Intelligence nouns aimed at anyone.
        "what a birdbrain",
        "listen, dullard, the dam was built in 1986",
        "you dumbo",
        # A person named, at the start of a sentence or inside it, with a copula written as "=".
        "Abernathy is a lying weasel",
        "@sam Okonkwo is an utter buffoon",
        "I have always said Okafor = clown",
        "What a gutless rat Whitcombe is.",
        # Accusations and contempt said of "he", "she", "this guy".
        "she is a fraud and a hypocrite",
        "this guy is a laughing stock",
        "how gullible he is",
        "what a complete joke she is",
        # Told to be silent.
        "Just shut up.",
        "who gives a damn what you think",
        # Sent off, asked how stupid, denied humanity or worth; a name after a comma.
        "Why don't you go to hell.",
        "how thick are you?",
        "are you even human",
        "none of your comments has any substance",
        "Show us your source, then, liar.",
        "you silly old bat",
    ],
)
def test_insults_aimed_at_a_person_are_personal_attacks(ruleset: Ruleset, text: str) -> None:
    assert "personal_attack" in categories(ruleset, text)


@pytest.mark.parametrize(
    "text",
    [
        # Judgement of a public figure's conduct is political argument.
        "The governor is useless and the budget proves it.",
        "The prime minister is a coward for refusing to debate.",
        "The foreign minister was spineless at the summit.",
        # Criticism of a thing, not a person.
        "What a useless plan.",
        "The council's response was hopeless.",
        # An insult denied.
        "Nobody here thinks you are ignorant for asking about Kirkuk.",
        "I never said you were an idiot.",
        "I'm not calling you stupid; the map is confusing.",
        # The writer and their side insult themselves.
        "We were fools to believe the promises of 2017.",
        # Mock titles used as words, and comparisons that are not about the reader.
        "The design is pure genius.",
        "Thanks, genius idea to plant trees along the road.",
        "My cat is smarter than you think, she opens doors.",
        # The mind named as a body part, animal names in compounds.
        "Does your brain scan show anything, doctor?",
        "You don't have any brain tumour, the doctor said.",
        "She is a dog trainer in Duhok.",
        "He is a pig farmer near Nineveh.",
        # Insult nouns as verbs, and a generic warning.
        "You fool nobody with that story.",
        "Only a fool would drive through the pass in this snow.",
        # Advice, sympathy and likeness that insult no one.
        "You'd be a fool to skip the exhibition at the citadel.",
        "I feel sorry for your parents, waiting so long at the border like that.",
        "You look like your mother in this old photo.",
        "You should see a doctor about the rash.",
        "Do us a favour and go vote on Sunday.",
        "Explain the plan in small steps, minister, we want details.",
        # A question apologised for, a herd word in a compound.
        "Sorry, stupid question, but is the Ibrahim Khalil crossing open?",
        "You sheep farmers should apply for the drought grant.",
        # Calling out bigotry is criticism.
        "Saying that about Yazidis only shows how small-minded you are.",
        # Ages and reading in ordinary sentences.
        "You were twelve when Saddam fell, you told me.",
        "My grandmother cannot read, so I read the news to her.",
        # Go and do something ordinary.
        "Go get an education grant for your daughter, the forms are open.",
        "Go cry with the families at the memorial, it is good to grieve.",
        # A name may be a thing, a place or a policy: only nouns for a person insult it.
        "Brexit is pathetic and costly.",
        "Facebook is a cancer on public debate.",
        "Okonkwo is not a fool, he read the report.",
        "Okonkwo was called a clown by the opposition.",
        # Accusations of a public figure named by role stay political argument; "=" in sums and links.
        "The senator is a hypocrite on water rights.",
        "If x = 3 then the budget grows by a third.",
        "Tell them to shut up about the roadworks, I said.",
        "The family went to the hills, to the lakes, then to Hell's Kitchen.",
        "Are you even human enough to cry at that film? I was.",
        # Insults of "he" and "she" reported or condemned, and judgement nouns naming a trade.
        "The editor wrote that she is a fraud; the court found otherwise.",
        "My uncle is a joke writer for the radio.",
        "Go to hell and back for the people you love.",
    ],
)
def test_criticism_denials_and_ordinary_words_are_approved(ruleset: Ruleset, text: str) -> None:
    assert ruleset.evaluate(text).decision == "approve", categories(ruleset, text)
