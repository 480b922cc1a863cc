"""Compile lexicons and templates into symbols, without multiplying anything out.

Literal word lists become word sets in one phrase trie, lexicon slots become references to the
lexicon's symbol (never spelt out), operators become symbols.

Nothing is multiplied out: "{group} {be} {insult}" is three parts, however long the lexicons are,
so a rule file cannot make the compiled rules explode.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from .errors import ErrorKind
from .inflection import inflect_head, inflections, phrase_head
from .symbols import COMMA, END, GAP, START, SYM, Element, Referent, Repeat, Series, Sym, Union, WordSet
from .syntax import (
    Alt,
    Anchor,
    Gap,
    Negated,
    Node,
    Opt,
    Phrase,
    Ref,
    Seq,
    TemplateError,
    describe,
    expand_literal,
    is_literal,
    parse_sequence,
    parse_template,
    plain_phrase,
)
from .syntax import (
    Repeat as RepeatNode,
)
from .trie import TrieNode

# Reserved lexicon names the operators use: not:X, X+, and the modifiers skipped between parts.
NEGATION_LEXICON = "negation"
LIST_WORDS_LEXICON = "list_words"
MODIFIER_LEXICON = "modifier"
# A built-in slot: a word written with a capital inside a sentence, a name ("Erdogan is a clown").
CAPITALIZED = "capitalized"
# The pseudo-phrase the chart marks capitalised words with: no token is ever spelt with a space.
CAPITALIZED_MARK = (" capitalized",)


@dataclass(frozen=True, slots=True)
class Limits:
    """Budgets on what rule files may ask the compiler for; each is refused as a located rule error."""

    phrases_per_part: int = 10_000  # phrases one literal part or lexicon entry spells out
    phrases: int = 400_000  # phrases in all word sets together
    word_sets: int = 30_000  # distinct word sets
    depth: int = 24  # lexicons referring to lexicons referring to ...
    parts: int = 40  # parts of one template
    symbols: int = 200_000  # compiled symbols in all


class RootNode(TrieNode):
    """The trie's root: it sees every token, so it remembers more spellings."""

    __slots__ = ()
    MEMO_LIMIT = 200_000


@dataclass(slots=True)
class LexiconSpec:
    """A lexicon as written: its entries and options, and where it was defined."""

    name: str
    entries: list[str]
    file: str
    line: int | None
    inflect: str = "none"
    exclude: frozenset[str] = frozenset()
    refer: list[str] = field(default_factory=list)
    refer_to_members: list[str] = field(default_factory=list)  # lexicons of one member, whose mention also binds `refer`
    typos: bool = True
    names: bool = False  # its words are names (peoples, nationalities), written with a capital


Report = Callable[[str, str | None, int | None], None]


class Grammar:
    """The compiler: word sets registered in one trie, lexicons compiled on first use, budgets enforced."""

    def __init__(self, specs: dict[str, LexiconSpec], report: Report, limits: Limits | None = None):
        self.specs = specs
        self.report = report
        self.limits = limits or Limits()
        self.root = RootNode()
        self.word_sets: list[frozenset[Phrase]] = []
        self.no_typos: set[str] = set()
        self.names: set[str] = set()
        self._bits: dict[frozenset[Phrase], int] = {}
        self._by_mask: dict[int, WordSet] = {}
        self._lexicons: dict[str, Sym | None] = {}
        self._resolving: list[str] = []
        self._phrases = 0
        self._symbols = 0
        self.modifiers = MODIFIER_LEXICON in specs

    # Word sets -------------------------------------------------------------------------------

    def word_set(self, phrases: Collection[Phrase], label: str | Node) -> WordSet | None:
        """The word set of these phrases (shared by every part that spells out the same phrases)."""
        key = frozenset(phrases)
        if () in key:  # the empty phrase (an optional part) is no phrase of the set
            key = frozenset(phrase for phrase in phrases if phrase)
        if not key:
            return None
        bit = self._bits.get(key)
        if bit is None:
            if len(self.word_sets) >= self.limits.word_sets:
                raise TemplateError(f"more than {self.limits.word_sets} distinct word lists in the rules")
            self._phrases += len(key)
            if self._phrases > self.limits.phrases:
                raise TemplateError(f"the rules spell out more than {self.limits.phrases} phrases in all")
            bit = self._bits[key] = 1 << len(self.word_sets)
            self.word_sets.append(key)
            self.root.add_all(key, bit)
        return self.mask_set(bit, label)

    def mask_set(self, mask: int, label: str | Node) -> WordSet:
        """One symbol for a union of word sets (labelled by the text or the node it was first made for)."""
        found = self._by_mask.get(mask)
        if found is None:
            # A node is spelt out as a label only when the label is asked for (diagnostics).
            found = self._by_mask[mask] = WordSet(label, mask)
        return found

    # Lexicons --------------------------------------------------------------------------------

    def lexicon(self, name: str) -> Sym | None:
        """The compiled symbol of a lexicon (None when it is empty); compiled once, on first use."""
        if name in self._lexicons:
            return self._lexicons[name]
        spec = self.specs.get(name)
        if spec is None and name == CAPITALIZED:
            marked: Sym | None = self.word_set([CAPITALIZED_MARK], "{capitalized}")
            self._lexicons[name] = marked
            return marked
        if spec is None:
            raise TemplateError(f"unknown lexicon {{{name}}}", ErrorKind.UNKNOWN_LEXICON)
        if name in self._resolving:
            raise TemplateError(f"lexicon {{{name}}} refers to itself: {' -> '.join([*self._resolving, name])}")
        if len(self._resolving) >= self.limits.depth:
            raise TemplateError(f"lexicons nested more than {self.limits.depth} deep: {' -> '.join(self._resolving)}")
        self._resolving.append(name)
        try:
            symbol = self._compile_lexicon(spec)
        finally:
            self._resolving.pop()
        self._lexicons[name] = symbol
        return symbol

    def base_forms(self, name: str) -> Sym | None:
        """The lexicon's entries as written, without inflected forms ("kill", not "killed": imperatives)."""
        key = name + ":base"
        if key in self._lexicons:
            return self._lexicons[key]
        spec = self.specs.get(name)
        if spec is None:
            raise TemplateError(f"unknown lexicon {{{name}}}", ErrorKind.UNKNOWN_LEXICON)
        written = replace(spec, inflect="none", name=key)
        symbol = self.lexicon(name) if spec.inflect == "none" else self._compile_lexicon(written)
        self._lexicons[key] = symbol
        return symbol

    def words_of(self, entry: str) -> set[str]:
        """The single words an entry stands for: a word, or every one-word phrase of a {lexicon} (for `of:` lists)."""
        node = parse_sequence(entry)
        if len(node.parts) == 1 and isinstance(node.parts[0], Ref):
            symbol = self.lexicon(node.parts[0].name)
            words: set[str] = set()
            # The lexicon's own word lists (not the words of slots inside its longer entries).
            mask = symbol.mask if isinstance(symbol, Union) else symbol.first if isinstance(symbol, WordSet) else 0
            for bit, phrases in enumerate(self.word_sets):
                if mask >> bit & 1:
                    words.update(phrase[0] for phrase in phrases if len(phrase) == 1 and "*" not in phrase[0])
            return words
        return {phrase[0] for phrase in self._literal_phrases([entry]) if len(phrase) == 1}

    def _compile_lexicon(self, spec: LexiconSpec) -> Sym | None:
        phrases: list[Phrase] = []
        members: list[Sym] = []
        mask = 0
        inflect = spec.inflect != "none"  # most lexicons: every phrase as it is spelt
        for entry in spec.entries:
            try:
                phrase = plain_phrase(entry)
                if phrase is not None:
                    if inflect:
                        phrases.extend(self._inflected(phrase, spec))
                    else:
                        phrases.append(phrase)
                    continue
                node = parse_sequence(entry)
                if not node.parts:
                    raise TemplateError("empty entry")
                if is_literal(node):
                    spelt = expand_literal(node, self.limits.phrases_per_part)
                    if inflect:
                        for phrase in spelt:
                            phrases.extend(self._inflected(phrase, spec))
                    else:
                        phrases.extend(spelt)
                    continue
                symbol, _optional = self.compile(inflect_head(node, spec.inflect), modifiers=True)
            except TemplateError as error:
                self.report(f"lexicon {spec.name}: {error}", spec.file, spec.line)
                continue
            if isinstance(symbol, WordSet):
                mask |= symbol.first
            elif symbol is not None:
                members.append(symbol)
        if spec.exclude:
            phrases = [form for form in phrases if " ".join(form) not in spec.exclude]
        if not spec.typos:
            self.no_typos.update(word for phrase in phrases for word in phrase)
        if spec.names:
            self.names.update(word for phrase in phrases for word in phrase)
        own = self.word_set(phrases, spec.name)
        if own is not None:
            mask |= own.first
        base: Sym | None = None
        if members:
            base = self._count(Union(spec.name, mask, members))
        elif mask:
            base = self.mask_set(mask, spec.name)
        if spec.refer and base is not None:
            anaphora = self.word_set(self._literal_phrases(spec.refer), f"{spec.name} (referring back)")
            if anaphora is not None:
                named = tuple(member for name in spec.refer_to_members if (member := self.lexicon(name)) is not None)
                return self._count(Referent(spec.name, base, anaphora, named))
        return base

    def _inflected(self, phrase: Phrase, spec: LexiconSpec) -> list[Phrase]:
        if spec.inflect == "none" or not phrase:
            return [phrase]
        head = phrase_head(phrase, spec.inflect)
        return [(*phrase[:head], form, *phrase[head + 1 :]) for form in inflections(phrase[head], spec.inflect)]

    def _literal_phrases(self, entries: list[str]) -> list[Phrase]:
        phrases: list[Phrase] = []
        for entry in entries:
            node = parse_sequence(entry)
            if not is_literal(node):
                raise TemplateError(f"{entry!r}: only words here")
            phrases.extend(expand_literal(node, self.limits.phrases_per_part))
        return phrases

    # Templates -------------------------------------------------------------------------------

    def template(self, text: str, modifiers: bool = True) -> Sym:
        """Compile one template of a rule (raises TemplateError)."""
        node = parse_template(text)
        if len(node.parts) > self.limits.parts:
            raise TemplateError(f"more than {self.limits.parts} parts")
        # A template's parts stay apart, even when all are words, so modifiers may stand between them.
        symbol, optional = self._sequence(node, modifiers and self.modifiers)
        if symbol is None or optional:
            raise TemplateError("a template needs at least one part that is not optional")
        return symbol

    def words(self, entries: list[str], label: str) -> Sym | None:
        """A rule's whole word or phrase list as one symbol: its words one word set (one dict probe per token)."""
        node = Alt(tuple(parse_sequence(entry) for entry in entries))
        symbol, _optional = self.compile(node, modifiers=False)
        return symbol

    def compile(self, node: Node, modifiers: bool) -> tuple[Sym | None, bool]:
        """A symbol for the node and whether it may match nothing (None when it can only match nothing)."""
        if is_literal(node):
            try:
                phrases = expand_literal(node, self.limits.phrases_per_part)
            except TemplateError:
                if not isinstance(node, Seq):
                    raise
                return self._sequence(node, modifiers)  # too many spellings together: match part by part
            return self.word_set(phrases, node), () in phrases
        if isinstance(node, Ref):
            return (self.base_forms(node.name) if node.base else self.lexicon(node.name)), False
        if isinstance(node, Opt):
            symbol, _optional = self.compile(node.part, modifiers)
            return symbol, True
        if isinstance(node, Alt):
            return self._alternatives(node, modifiers)
        if isinstance(node, RepeatNode):
            part, _optional = self.compile(node.part, modifiers)
            if part is None:
                raise TemplateError("a list of nothing")
            joiner = self.lexicon(LIST_WORDS_LEXICON) if LIST_WORDS_LEXICON in self.specs else None
            return self._count(Repeat(node, part, joiner)), False
        if isinstance(node, Negated):
            if NEGATION_LEXICON not in self.specs:
                raise TemplateError(f"not: needs a lexicon named {NEGATION_LEXICON} (the words that negate)")
            negation = self.lexicon(NEGATION_LEXICON)
            part, _optional = self.compile(node.part, modifiers)
            if part is None or negation is None:
                raise TemplateError("not: of nothing")
            return self._count(Series(node, [(SYM, negation, False), (SYM, part, False)], modifiers)), False
        if isinstance(node, Seq):
            return self._sequence(node, modifiers)
        raise TemplateError(f"{describe(node)} cannot stand alone")

    def _alternatives(self, node: Alt, modifiers: bool) -> tuple[Sym | None, bool]:
        phrases: list[Phrase] = []
        members: list[Sym] = []
        optional = False
        for option in node.options:
            if not option.parts:
                optional = True
            elif is_literal(option):
                phrases.extend(expand_literal(option, self.limits.phrases_per_part))
            else:
                symbol, can_skip = self.compile(option, modifiers)
                optional = optional or can_skip
                if symbol is not None:
                    members.append(symbol)
        optional = optional or () in phrases
        own = self.word_set(phrases, node)
        mask = own.first if own is not None else 0
        sets = [member for member in members if isinstance(member, WordSet)]
        others = [member for member in members if not isinstance(member, WordSet)]
        for member in sets:
            mask |= member.first
        if not others:
            return (self.mask_set(mask, node) if mask else None), optional
        if not mask and len(others) == 1:
            return others[0], optional
        return self._count(Union(node, mask, others)), optional

    def _sequence(self, node: Seq, modifiers: bool) -> tuple[Sym | None, bool]:
        elements: list[Element] = []
        for part in node.parts:
            if isinstance(part, Gap):
                elements.append((GAP, part.size, False))
            elif isinstance(part, Anchor):
                elements.append(({"^": START, "$": END, ",": COMMA}[part.kind], None, False))
            else:
                symbol, optional = self.compile(part, modifiers)
                if symbol is not None:
                    elements.append((SYM, symbol, optional))
        symbols = [element for element in elements if element[0] == SYM]
        if not symbols:
            return None, True
        if len(elements) == 1:
            only = elements[0]
            assert isinstance(only[1], Sym)
            return only[1], only[2]
        optional = all(element[2] for element in symbols)
        return self._count(Series(node, elements, modifiers)), optional

    def _count(self, symbol: Sym) -> Sym:
        self._symbols += 1
        if self._symbols > self.limits.symbols:
            raise TemplateError(f"the rules compile to more than {self.limits.symbols} parts")
        return symbol

    def capitalized_bit(self) -> int:
        """The bit the chart marks capitalised words with (0 when no rule uses {capitalized})."""
        return self._bits.get(frozenset([CAPITALIZED_MARK]), 0)

    def vocabulary(self) -> set[str]:
        """Every word the rules name (stems by their root), for the speller and the spaced-letter reader."""
        # The distinct keys first: most words recur in many phrases.
        keys = {word for phrases in self.word_sets for phrase in phrases for word in phrase}
        return {word.strip("*") for word in keys if " " not in word}
