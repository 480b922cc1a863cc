"""Lexicon files read into lexicon specs: word lists, better-profanity's list, and `groups:` lexicons.

A `groups:` lexicon NAME (one entry per protected group, with its plural, singular and adjective
forms) becomes three lexicons: {NAME} the group ("Kurds", "Kurdish people", and pronouns that refer
back to a group named earlier), {NAME_one} one member ("Kurd", "Kurdish man"), {NAME_adjective}.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from .grammar import LexiconSpec
from .normalize import fold

GroupForms = dict[str, str]


def better_profanity_words() -> list[str]:
    """better-profanity's bundled word list, read from the installed package."""
    data = resources.files("better_profanity") / "profanity_wordlist.txt"
    return [line.strip() for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]


def lexicon_specs(name: str, data: dict[str, Any], file: str, line: int | None) -> list[LexiconSpec]:
    """The lexicon specs one validated lexicon definition stands for (several for a groups lexicon)."""
    excluded = frozenset(fold(word).text for word in data["excluded"])
    words = list(data["words"])
    if data.get("source") == "better_profanity":
        words.extend(better_profanity_words())
    common = {"file": file, "line": line, "typos": data["typos"]}
    if not data.get("groups"):
        return [LexiconSpec(name, words, inflect=data["inflect"], exclude=excluded, refer=list(data.get("refer") or []), **common)]
    groups = data["groups"]
    adjectives = [form for group in groups for form in group.get("adjective", [])]
    singular = [form for group in groups for form in group.get("singular", [])]
    plural = [form for group in groups for form in group.get("plural", [])]
    common["names"] = True
    specs = [LexiconSpec(f"{name}_adjective", adjectives, exclude=excluded, **common)]
    one = list(singular)
    whole = [*plural, *words]
    if adjectives:
        if data.get("person"):
            one.append(f"{{{name}_adjective}} {data['person']}")
        if data.get("people"):
            whole.append(f"{{{name}_adjective}} {data['people']}")
    specs.append(LexiconSpec(f"{name}_one", one, exclude=excluded, **common))
    refer = list(data.get("refer") or [])
    # "I met a Kurd once. They are all ...": the pronouns refer back to one member as to the group.
    specs.append(LexiconSpec(name, whole, exclude=excluded, refer=refer, refer_to_members=[f"{name}_one"] if refer else [], **common))
    return specs


def group_subcategories(data: dict[str, Any]) -> dict[str, str]:
    """Each folded form of a groups lexicon and the abuse subcategory of its group."""
    found: dict[str, str] = {}
    for group in data.get("groups") or []:
        for key in ("plural", "singular", "adjective"):
            for form in group.get(key, []):
                found.setdefault(fold(form).text, group["subcategory"])
    return found
