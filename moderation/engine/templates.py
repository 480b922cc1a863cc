"""Phrase templates: word sequences with lexicon slots, alternatives, optional parts and small gaps."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .normalize import fold
from .tokens import Token
from .trie import TokenTrie

Phrase = tuple[str, ...]
LexiconTable = Mapping[str, tuple[Phrase, ...]]

MAX_EXPANSIONS = 200_000
_SLOT = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_GAP = re.compile(r"\*(\d*)")


class TemplateError(ValueError):
    """A template or lexicon entry that cannot be parsed or expanded."""


def split_parts(text: str) -> list[str]:
    """Split a template on spaces that are not inside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unbalanced ')' in {text!r}")
        if char.isspace() and depth == 0:
            if current:
                parts.append("".join(current))
                current = []
            continue
        current.append(char)
    if depth:
        raise TemplateError(f"unbalanced '(' in {text!r}")
    if current:
        parts.append("".join(current))
    return parts


def _first_group(part: str) -> tuple[str, list[str], str] | None:
    """Split "pre(a|b (c|d))post" at its first parenthesised group: head, top-level alternatives, tail."""
    start = part.find("(")
    if start < 0:
        return None
    depth = 0
    alternatives: list[str] = []
    current: list[str] = []
    for index in range(start, len(part)):
        char = part[index]
        if char == "(":
            depth += 1
            if depth == 1:
                continue
        elif char == ")":
            depth -= 1
            if depth == 0:
                alternatives.append("".join(current))
                return part[:start], alternatives, part[index + 1 :]
        elif char == "|" and depth == 1:
            alternatives.append("".join(current))
            current = []
            continue
        current.append(char)
    raise TemplateError(f"unbalanced '(' in {part!r}")


def _fold_word(word: str) -> str:
    stem_head = word.startswith("*")
    stem_tail = word.endswith("*")
    core = fold(word.strip("*")).text
    if not core or any(char.isspace() for char in core):
        raise TemplateError(f"not a word: {word!r}")
    return ("*" if stem_head else "") + core + ("*" if stem_tail else "")


def expand_part(part: str, lexicons: LexiconTable) -> list[Phrase]:
    """Expand one template part (a word, "{lexicon}", or "pre(a|b c|)post") into token sequences."""
    slot = _SLOT.fullmatch(part)
    if slot:
        name = slot.group(1)
        if name not in lexicons:
            raise TemplateError(f"unknown lexicon {{{name}}}")
        return list(lexicons[name])
    group = _first_group(part)
    if group:
        head, alternatives, tail = group
        phrases: list[Phrase] = []
        for alternative in alternatives:
            phrases.extend(expand_phrase(head + alternative + tail, lexicons, allow_empty=True))
        return phrases
    if "{" in part or "}" in part:
        raise TemplateError(f"bad lexicon reference {part!r}: write {{name}} with lowercase letters, digits, _")
    return [(_fold_word(part),)]


def expand_phrase(text: str, lexicons: LexiconTable, allow_empty: bool = False) -> list[Phrase]:
    """Expand a phrase with lexicon references and alternatives into every token sequence it stands for."""
    parts = split_parts(text)
    if not parts:
        if allow_empty:
            return [()]
        raise TemplateError("empty phrase")
    expansions: list[Phrase] = [()]
    for part in parts:
        optional = part.endswith("?") and len(part) > 1
        options = expand_part(part[:-1] if optional else part, lexicons)
        if optional:
            options = [*options, ()]
        if len(expansions) * len(options) > MAX_EXPANSIONS:
            raise TemplateError(f"{text!r} expands to more than {MAX_EXPANSIONS} phrases")
        expansions = [head + tail for head, tail in itertools.product(expansions, options)]
    return expansions


@dataclass(frozen=True, slots=True)
class Slot:
    """One template position: a set of token sequences, possibly optional."""

    label: str
    words: TokenTrie
    optional: bool


@dataclass(frozen=True, slots=True)
class Gap:
    """Up to max_tokens arbitrary tokens."""

    max_tokens: int


Element = Slot | Gap


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled template: elements matched left to right over tokens."""

    source: str
    elements: tuple[Element, ...]

    def anchors(self) -> list[str]:
        """Keys of the tokens a match can start with (the index the matcher looks them up in)."""
        keys: list[str] = []
        for element in self.elements:
            assert isinstance(element, Slot)  # a template never starts with a gap
            keys.extend(element.words.first_words())
            if not element.optional:
                break
        return keys

    def max_tokens(self) -> int:
        """The most tokens a match can span."""
        return sum(element.max_tokens if isinstance(element, Gap) else element.words.depth() for element in self.elements)

    def starts_with_required(self) -> bool:
        """True when the first part of every match is the template's first part (it is not optional)."""
        first = self.elements[0]
        return isinstance(first, Slot) and not first.optional

    def required_slots(self) -> list[Slot]:
        """The parts every match must contain."""
        return [element for element in self.elements if isinstance(element, Slot) and not element.optional]

    def match(self, tokens: Sequence[Token], start: int, safe_words: frozenset[str]) -> int:
        """Return the end of the longest match starting at token `start`, or -1."""
        # The positions reachable after each part, part by part: templates are short and most
        # attempts fail at their second part, so this stops early and allocates little.
        positions = {start}
        size = len(tokens)
        for element in self.elements:
            if isinstance(element, Gap):
                positions = {position + skip for position in positions for skip in range(min(element.max_tokens, size - position) + 1)}
                continue
            words = element.words
            ends: set[int] = set(positions) if element.optional else set()
            for position in positions:
                ends |= words.ends(tokens, position, safe_words)
            if not ends:
                return -1
            positions = ends
        best = max(positions)
        return best if best > start else -1


def compile_template(text: str, lexicons: LexiconTable, cache: dict[str, tuple[TokenTrie, bool]] | None = None) -> Template:
    """Parse a template string such as "{second_person} (are|is) {intensifier}? {insult}".

    Templates compiled with the same `cache` share the word set of each identical part.
    """
    elements: list[Element] = []
    for part in split_parts(text):
        gap = _GAP.fullmatch(part)
        if gap:
            size = int(gap.group(1) or 3)
            if not 1 <= size <= 10:
                raise TemplateError(f"gap {part!r}: between 1 and 10 tokens")
            elements.append(Gap(size))
            continue
        optional = part.endswith("?")
        body = part[:-1] if optional else part
        if cache is not None and body in cache:
            trie, can_be_empty = cache[body]
        else:
            trie, can_be_empty = TokenTrie(), False
            for phrase in expand_part(body, lexicons):
                if phrase:
                    trie.add(phrase)
                else:
                    can_be_empty = True
            if cache is not None:
                cache[body] = (trie, can_be_empty)
        elements.append(Slot(body, trie, optional or can_be_empty))
    if not elements:
        raise TemplateError("empty template")
    if isinstance(elements[0], Gap) or isinstance(elements[-1], Gap):
        raise TemplateError("a template cannot start or end with a gap")
    if all(isinstance(element, Slot) and element.optional for element in elements):
        raise TemplateError("a template needs at least one part that is not optional")
    if isinstance(elements[0], Slot) and elements[0].optional:
        required = next(i for i, e in enumerate(elements) if isinstance(e, Gap) or not e.optional)
        if isinstance(elements[required], Gap):
            raise TemplateError("a gap cannot follow optional parts at the start of a template")
    return Template(text, tuple(elements))


_IRREGULAR_VERBS = {
    "shoot": ("shot",),
    "beat": ("beaten",),
    "hang": ("hanged", "hung"),
    "burn": ("burnt",),
    "cut": ("cutting",),
    "slit": ("slitting",),
    "run": ("ran", "running"),
    "die": ("dying", "died"),
    "tear": ("tore", "torn"),
    "break": ("broke", "broken"),
    "eat": ("ate", "eaten"),
    "get": ("got", "getting"),
    "put": ("putting",),
    "drown": ("drowned",),
    "lynch": ("lynches",),
    "kick": ("kicked",),
}


MIN_TYPO_LENGTH = 5


def typos(word: str) -> list[str]:
    """Misspellings: two neighbours swapped (words of four letters or more) or one letter left out (five or more), never the first."""
    if len(word) < MIN_TYPO_LENGTH - 1 or not word.isalpha():
        return []
    # The first letter stays: readers recognise a word by it, and keeping it avoids most collisions.
    dropped = [word[:index] + word[index + 1 :] for index in range(1, len(word))] if len(word) >= MIN_TYPO_LENGTH else []
    swapped = [word[:index] + word[index + 1] + word[index] + word[index + 2 :] for index in range(1, len(word) - 1)]
    return [variant for variant in dict.fromkeys(dropped + swapped) if variant != word]


def inflect(word: str, kind: str) -> list[str]:
    """Regular English inflections of a single word: plural for nouns, -s/-ed/-ing for verbs."""
    if " " in word or word.endswith("*") or word.startswith("*"):
        return [word]
    forms = [word]
    sibilant = word.endswith(("s", "x", "z", "ch", "sh"))
    consonant_y = word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou"
    if consonant_y:
        forms.append(word[:-1] + "ies")
    else:
        forms.append(word + ("es" if sibilant else "s"))
    if kind == "verb":
        base = word[:-1] if word.endswith("e") else word
        forms.append(word + "d" if word.endswith("e") else (word[:-1] + "ied" if consonant_y else word + "ed"))
        forms.append(base + "ing")
        short_cvc = len(word) <= 4 and re.search(r"[^aeiou][aeiou][^aeiouwxy]$", word)
        if short_cvc:
            forms.extend([word + word[-1] + "ed", word + word[-1] + "ing"])
        forms.extend(_IRREGULAR_VERBS.get(word, ()))
    return list(dict.fromkeys(forms))
