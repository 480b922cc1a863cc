"""English inflections of lexicon words (plurals, verb forms, comparatives), from lemminflect's tables."""

from __future__ import annotations

import bisect
import contextlib
import gzip
from functools import lru_cache
from typing import Any

from .syntax import Alt, Seq, Word

# lemminflect's part-of-speech tags for the lexicon's `inflect` kinds.
_KINDS = {"noun": "NOUN", "verb": "VERB", "adjective": "ADJ"}
INFLECT_KINDS = ("none", *_KINDS)


class _LazyTable(dict[str, Any]):
    """lemminflect's inflection table, a lemma's lines parsed by lemminflect's own codec when first looked up.

    lemminflect's loader parses all of its 40,000 lines (0.14 s of CPU); a compile looks up about 2,000 lemmas.
    The lines stay as the file sorts them (by lemma): a lemma's lines are found by bisection.
    """

    def __init__(self, lines: list[str], codec: Any):
        super().__init__(codec.updateForAuxMod({}))  # the modals and auxiliaries the loader writes over the file's
        self._lines = lines
        self._codec = codec

    def get(self, key: str, default: Any = None) -> Any:
        """The forms of a lemma by tag, as lemminflect's loaded table holds them."""
        found = super().get(key)
        if found is None:
            head = key + ","  # a line is the lemma, a comma, then its forms
            lines = self._lines
            index = bisect.bisect_left(lines, head)
            if index == len(lines) or not lines[index].startswith(head):
                return default
            found = self[key] = {}
            while index < len(lines) and lines[index].startswith(head):
                found.update(self._codec.fromString(lines[index])[2])
                index += 1
        return found


def _install_lazy_table() -> None:
    """Give lemminflect's inflections a table that parses only the lemmas asked for (else it loads its own)."""
    from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
    from lemminflect.core.Inflections import Inflections

    inflections = Inflections()
    if hasattr(inflections, "infl_dict"):
        return
    with gzip.open(inflections.infl_lu_fn, "rt", encoding="utf-8") as table:
        lines = [line for line in table.read().splitlines() if line]
    if lines != sorted(lines):
        return  # a table not sorted by lemma: lemminflect loads it itself
    inflections.infl_dict = _LazyTable(lines, InflectionLUCodec)


@lru_cache(maxsize=1)
def _lemminflect() -> tuple[object, object]:
    # Imported on first use: only a compile that inflects pays for lemminflect (numpy, its tables).
    from lemminflect import getAllInflections, getAllInflectionsOOV

    with contextlib.suppress(ImportError, AttributeError, OSError, ValueError):  # then lemminflect loads its table itself
        _install_lazy_table()
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


def phrase_head(words: tuple[str, ...], kind: str) -> int:
    """The word of a phrase that inflects: a phrasal verb's verb ("beat up"), a noun phrase's noun ("piece of shit")."""
    if kind == "verb":
        return 0
    if "of" in words[1:]:
        return words.index("of", 1) - 1
    return len(words) - 1


def inflect_head(node: Seq, kind: str) -> Seq:
    """A lexicon entry with its head word in every form: a word, or each word of an alternative of single words.

    "(tear|rip) {x} apart" inflects like "tear {x} apart": "tears them apart", "ripping them apart".
    """
    if kind == "none" or not node.parts:
        return node
    words = tuple(part.text if isinstance(part, Word) else "" for part in node.parts)
    head = phrase_head(words, kind)
    part = node.parts[head]
    if isinstance(part, Word):
        heads: tuple[str, ...] = (part.text,)
    elif isinstance(part, Alt) and all(_one_word(option) for option in part.options):
        heads = tuple(option.parts[0].text for option in part.options if isinstance(option, Seq) and isinstance(option.parts[0], Word))
    elif isinstance(part, Alt) and all(isinstance(option, Seq) for option in part.options):
        # Phrases among the alternatives each inflect their own head: "(silence|deal with) {x}" gives "dealt with".
        options = tuple(inflect_head(option, kind) for option in part.options if isinstance(option, Seq))
        return Seq((*node.parts[:head], Alt(options), *node.parts[head + 1 :]))
    else:
        return node
    forms = dict.fromkeys(form for word in heads for form in inflections(word, kind))
    inflected = Alt(tuple(Seq((Word(form),)) for form in forms))
    return Seq((*node.parts[:head], inflected, *node.parts[head + 1 :]))


def _one_word(option: object) -> bool:
    return isinstance(option, Seq) and len(option.parts) == 1 and isinstance(option.parts[0], Word)
