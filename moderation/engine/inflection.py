"""English inflections of lexicon words (plurals, verb forms, comparatives), from lemminflect's tables."""

from __future__ import annotations

from functools import lru_cache

# lemminflect's part-of-speech tags for the lexicon's `inflect` kinds.
_KINDS = {"noun": "NOUN", "verb": "VERB", "adjective": "ADJ"}
INFLECT_KINDS = ("none", *_KINDS)


@lru_cache(maxsize=1)
def _lemminflect() -> tuple[object, object]:
    # Imported on first use: only a compile that inflects pays for the tables (about 0.3 s of CPU).
    from lemminflect import getAllInflections, getAllInflectionsOOV

    return getAllInflections, getAllInflectionsOOV


@lru_cache(maxsize=65536)
def inflections(word: str, kind: str) -> tuple[str, ...]:
    """The word and its inflected forms: plural for nouns, -s/-ed/-ing and irregular forms for verbs, -er/-est for adjectives.

    Stems ("kill*"), endings and phrases are returned as they are; words lemminflect does not know
    get its regular forms.
    """
    if kind not in _KINDS or not word.isalpha():
        return (word,)
    known, unknown = _lemminflect()
    tag = _KINDS[kind]
    table = known(word, upos=tag)  # type: ignore[operator]
    if not table:
        table = unknown(word, upos=tag)  # type: ignore[operator]
    forms = [word]
    for variants in table.values():
        forms.extend(variant.lower() for variant in variants)
    if kind == "noun" and word.endswith("man") and len(word) > 3:
        forms.append(word[:-3] + "men")  # lemminflect's guess for unknown "-man" nouns is "-mans"
    return tuple(dict.fromkeys(form for form in forms if form.replace("'", "").isalpha()))
