"""The shipped abuse rules: identity attacks by concern, and what stays approved beside them."""

from __future__ import annotations

import pytest

from moderation.config import DEFAULT_RULES_DIR
from moderation.engine import Ruleset, load_ruleset


@pytest.fixture(scope="module")
def ruleset() -> Ruleset:
    return load_ruleset(DEFAULT_RULES_DIR)


def abuse_rules(ruleset: Ruleset, text: str) -> set[str]:
    """Ids of the abuse rules that fire on TEXT."""
    return {reason.rule for reason in ruleset.evaluate(text).reasons if reason.category == "abuse"}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # An animal's own adjective between the group and the noun.
        ("Baloch are rabid jackals", "abuse/dehumanising"),
        ("the Druze are feral dogs", "abuse/dehumanising"),
        # A collective before the noun, after "like".
        ("Pakistanis are like a horde of locusts", "abuse/dehumanising"),
        ("Chaldeans are pure filth", "abuse/dehumanising"),
        ("Uzbeks are rodents", "abuse/dehumanising"),
        # Hatred in the past or the perfect.
        ("I always despised Alawites", "abuse/contempt"),
        ("we have hated Turkmen for years", "abuse/contempt"),
        # Expulsion with its particle after the group, or a bar from public life.
        ("drive the Alevis out of the valley", "abuse/exclusion"),
        ("chase every Yazidi out", "abuse/exclusion"),
        ("Shia should be banned from public office", "abuse/exclusion"),
        ("Bedouins should be barred from entering the city", "abuse/exclusion"),
        ("women should not have the right to work", "abuse/exclusion"),
        ("Lebanese go home!", "abuse/exclusion"),
        ("Syrians out of our town", "abuse/exclusion"),
        ("Kurds have no place in Turkey", "abuse/negated-worth"),
        # Nouns and adjectives of fanaticism said of a whole group.
        ("Sunnis are fanatics", "abuse/derogatory-attributes"),
        ("Persians are arrogant", "abuse/derogatory-attributes"),
        ("all Palestinians are terror supporters", "abuse/derogatory-attributes"),
        # Identity as illness, breeding like animals.
        ("being lesbian is a psychological disorder", "abuse/implicit-hate"),
        ("Roma breed like rabbits", "abuse/implicit-hate"),
        # What a kind of people does or deserves; nothing good in them; nothing given.
        ("Uzbeks are exactly the sort of people who steal", "abuse/derogatory-attributes"),
        ("Tajiks are only good for sweeping streets", "abuse/derogatory-attributes"),
        ("there is nothing redeeming about Somalis", "abuse/negated-worth"),
        ("immigrants contribute nothing to this country", "abuse/negated-worth"),
        ("I could never see a Shia as a real person", "abuse/negated-worth"),
        # Sickened at the sight of a group, filled with rage by it.
        ("when I see Sudanese I want to gag", "abuse/contempt"),
        ("Ethiopians fill us with revulsion", "abuse/contempt"),
        # Refused a home or a job; wished gone; children kept away.
        ("we will never rent a house to a Bedouin", "abuse/exclusion"),
        ("I pray the Druze will just disappear", "abuse/exclusion"),
        ("keep the kids away from Albanians", "abuse/exclusion"),
        ("Eritreans should be thankful we even tolerate them", "abuse/implicit-hate"),
        # Groups placed or pointed at; nouns of crime and cowardice; a smell said of all.
        ("the Kazakhs over there are smugglers", "abuse/derogatory-attributes"),
        ("Moroccans in Madrid are all looters", "abuse/derogatory-attributes"),
        ("Yemenis stink", "abuse/derogatory-attributes"),
        ("no Afghan will ever be a real citizen", "abuse/negated-worth"),
        # A bad noun with its quality; an adverb of nature between; a collective "the" and an adjective.
        ("Sikhs are violent religious zealots", "abuse/derogatory-attributes"),
        ("Armenians are biologically inferior", "abuse/derogatory-attributes"),
        ("the Kurdish are thieves", "abuse/derogatory-attributes"),
        ("Chaldeans are incapable of telling the truth", "abuse/derogatory-attributes"),
        ("lesbians are a menace to our children", "abuse/derogatory-attributes"),
        ("women are nothing more than objects", "abuse/derogatory-attributes"),
        # Said in passing between commas; a question after a comma; one known to the writer stands for all.
        ("Druze, who are liars, run the shops", "abuse/derogatory-attributes"),
        ("women, as everyone knows, are hysterical", "abuse/derogatory-attributes"),
        ("enough of this, why are Alawites so sly?", "abuse/derogatory-attributes"),
        ("every Baloch I have dealt with was a crook", "abuse/derogatory-attributes"),
        # Ruining or taking what is "ours"; protecting "us" from a group; an identity to cure.
        ("Somalis are wrecking our neighbourhoods", "abuse/implicit-hate"),
        ("Afghans will take over this country", "abuse/implicit-hate"),
        ("Nigerians only came here for handouts", "abuse/implicit-hate"),
        ("keep our daughters safe, protect our families from Pakistanis", "abuse/implicit-hate"),
        ("bisexuals need to be straightened out", "abuse/implicit-hate"),
        ("trans women are nothing but men in wigs", "abuse/implicit-hate"),
        # Put away, kept out, silenced.
        ("autistic people should be hidden away", "abuse/exclusion"),
        ("Roma must not be allowed into our city", "abuse/exclusion"),
        ("girls should be seen and not heard", "abuse/exclusion"),
        ("a girl's place is in the kitchen", "abuse/exclusion"),
        # Negated worth in other shapes.
        ("Hazaras should never have been born", "abuse/negated-worth"),
        ("Iraqis are never going to be as civilised as us", "abuse/negated-worth"),
        ("Kurds will never be part of our nation", "abuse/negated-worth"),
        ("not one Turkmen has ever built anything of value", "abuse/negated-worth"),
        ("women don't deserve an education", "abuse/negated-worth"),
        # Contempt in other frames; "those people" refers back to a group.
        ("all I have for Copts is pure scorn", "abuse/contempt"),
        ("we are filled with loathing towards Bahais", "abuse/contempt"),
        ("nothing gets us madder than Persians", "abuse/contempt"),
        ("I can't walk past a Yazidi without wanting to throw up", "abuse/contempt"),
        ("Assyrians moved in upstairs. Those people are rats.", "abuse/dehumanising"),
        # A religion abused as a disease or evil.
        ("Zoroastrianism is a poison", "abuse/religion-denigrated"),
        ("Sufism is the religion of the devil", "abuse/religion-denigrated"),
        # A people equated with a terror group, or called someone's animals or agents.
        ("Pashtuns are all Taliban", "abuse/derogatory-attributes"),
        ("Hazaras are Tehran's agents", "abuse/derogatory-attributes"),
        ("Baloch are Pakistan's donkeys", "abuse/dehumanising"),
        ("Mandaeans worship demons", "abuse/derogatory-attributes"),
        # A people or an identity denied.
        ("there is no such thing as a Chaldean", "abuse/negated-worth"),
        ("Shabaks are not a real people", "abuse/negated-worth"),
        ("Assyrians do not even exist", "abuse/negated-worth"),
        ("Sikhs are not welcome in Germany", "abuse/negated-worth"),
        # Curses and spitting.
        ("God curse every Armenian", "abuse/contempt"),
        ("we spit on the Copts", "abuse/contempt"),
        ("to hell with all the Uzbeks", "abuse/contempt"),
        # An identity word as an insult; words with other uses only in its frames.
        ("you are nothing but a Somali to me", "abuse/identity-as-insult"),
        ("one more stinking Alawite", "abuse/identity-as-insult"),
        ("this street is full of queers", "abuse/identity-as-insult"),
    ],
)
def test_abuse_is_rejected_by_its_concern(ruleset: Ruleset, text: str, rule: str) -> None:
    assert rule in abuse_rules(ruleset, text), text


@pytest.mark.parametrize(
    "text",
    [
        # Animals as animals, even after a group's adjective.
        "The white rabbit escaped from the petting farm",
        "Kurdish sheepdogs barked at the wolves",
        # A group as the object of what someone else did.
        "The way the regime treated the Assyrians was shameful",
        # What is said of an act done to a group is not said of the group (counter-speech).
        "Threats to behead Alawites are evil",
        "Stereotyping Chaldeans is lazy",
        "Bigotry against Kurds is disgusting",
        "Discrimination of Turkmen is evil",
        # A sanction for conduct, not for identity.
        "Foreign fighters should be deported if they are convicted of terrorism",
        # A state's troops, not a people; a place with no room.
        "Turkish troops out of Afrin!",
        "Refugees have no place in Erbil to sleep tonight",
        # The writer denies the claim, or refuses to hear it.
        "I don't think Arabs are violent at all",
        "Don't tell me Kurds are savages, I grew up among them",
        # Ordinary uses of the same frames.
        "There is nothing good about the new tax on fuel",
        "Volunteers contribute nothing but time and love",
        "Every time I see Kurds dancing at Newroz I want to join them",
        "I would never rent a house without a contract",
        # Reclaimed, said of oneself.
        "As a proud dyke from Diyarbakir I marched today",
        # The same frames about what is not a group, or said of a group in its favour.
        "The Kurdish language has many dialects",
        "I can't stand the Turkish coffee they serve here",
        "The Kurdish are generous hosts",
        "Drought is destroying our crops",
        "Refugees are unable to return home",
        "Yazidi women are too traumatised to talk",
        "The refugees smell smoke from the camp",
        "Women should be allowed into the stadium",
        "Islam is practised by most Iraqis",
        "The idea that Kurds are thieves is an old lie",
        "I will never believe that Arabs are terrorists",
        "We must protect refugees from the cold",
        "Yazidis are ISIS survivors",
        "Kurds are Washington's allies",
        "There is no such thing as a free lunch in Baghdad",
        "The Kurds are not a real threat to anyone",
        "Damn the heat in Basra this summer",
        "Queer poets read at the festival",
        "The jihadi fighters left the town at dawn",
        "He was just a Kurd looking for work",
        # Words attributed after them are reported; denials named as such; traits that are no generalisation.
        "Assyrians are vermin, the old regime's newspaper wrote",
        "It is not true that Jews control the banks",
        "Kurds are incapable of hating anyone",
        "Refugees are a burden we must share",
        "Syrian children are unable to learn without schools",
        "Kurdish women are taking over the world of football",
        "Kurds don't exist in the official census",
        # Belief ascribed to others, and sayings condemned as bigotry.
        "Those who think Yazidis worship the devil are ignorant of their faith.",
        "It is sexist to say women are too emotional to lead.",
        "It's xenophobic to claim refugees are criminals.",
    ],
)
def test_ordinary_speech_about_groups_is_approved(ruleset: Ruleset, text: str) -> None:
    assert not ruleset.evaluate(text).rejected, text


@pytest.mark.parametrize(
    "text",
    ["Am I the only one who thinks Assyrians are liars?", "I'm the only one here who believes Kurds are thieves"],
)
def test_the_writer_counting_himself_among_believers_is_no_report(ruleset: Ruleset, text: str) -> None:
    assert abuse_rules(ruleset, text), text
