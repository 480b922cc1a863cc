"""The template language parsed into a small syntax tree: words, lexicon slots, groups, options, gaps and operators.

A template is a sequence of parts separated by spaces:

    word  stem*  *ending      a token (case, accents, leetspeak folded)
    {name}                    any entry of a lexicon
    (a|b c|{x} d)             one of the alternatives; an empty alternative makes the group optional
    part?                     the part or nothing
    *  *N                     up to 3 (or N, at most 10) tokens of the same sentence
    part+                     a list: the part once or more, joined by "and", "or", "&" or just commas
    not:part                  the part negated ("not", "never", "no", "aren't" ... before it)
    ^  $                      the start or the end of a sentence (they match no token)
    ,                         a comma (or a colon or dash) between two parts: "..., coward."
    pre(a|b)post              one word spelt several ways: "(kill|shoot)ing" -> killing, shooting
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import ErrorKind
from .normalize import fold

_SLOT = re.compile(r"\{([a-z][a-z0-9_]*)(?::(base))?\}")
_GAP = re.compile(r"\*(\d*)")
_SPACES = re.compile(r"(\s+)")
_GROUPING = re.compile(r"[()|]")
_PARENTHESES = re.compile(r"[()]")
# Longest gap a template may ask for, in tokens; the default when no size is written.
MAX_GAP = 10
DEFAULT_GAP = 3
NOT_PREFIX = "not:"
# Parsed texts and folded words remembered (forget_parses() empties them once a load is done).
_PARSES = 65_536


class TemplateError(ValueError):
    """A template or lexicon entry that cannot be parsed or expanded; `kind` says which sort of load error it makes."""

    def __init__(self, message: str, kind: ErrorKind = ErrorKind.BAD_TEMPLATE):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Word:
    """A literal token; a trailing or leading '*' makes it a stem or an ending."""

    text: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A lexicon slot: {name}, or {name:base} for its entries as written, without inflected forms."""

    name: str
    base: bool = False


@dataclass(frozen=True, slots=True)
class Seq:
    """Parts matched one after the other."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    """One of several sequences (an empty one makes the whole optional)."""

    options: tuple[Seq, ...]


@dataclass(frozen=True, slots=True)
class Opt:
    """A part or nothing."""

    part: Node


@dataclass(frozen=True, slots=True)
class Gap:
    """Up to `size` arbitrary tokens."""

    size: int


@dataclass(frozen=True, slots=True)
class Repeat:
    """A list of the part: once or more, joined by list words."""

    part: Node


@dataclass(frozen=True, slots=True)
class Negated:
    """The part preceded by a negation."""

    part: Node


@dataclass(frozen=True, slots=True)
class Anchor:
    """The start (^) or end ($) of a sentence."""

    kind: str


Node = Word | Ref | Seq | Alt | Opt | Gap | Repeat | Negated | Anchor
Phrase = tuple[str, ...]


def split_parts(text: str) -> list[str]:
    """Split a template on spaces that are not inside parentheses."""
    if "(" not in text and ")" not in text:
        return text.split()  # most lexicon entries: nothing to keep together
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    # Words and the whitespace between them by turns: only the words with parentheses are read char by char.
    for index, piece in enumerate(_SPACES.split(text)):
        if index % 2:
            if depth:
                current.append(piece)  # a space inside a group stays in its part
            continue
        if not piece:
            continue
        if "(" in piece or ")" in piece:
            for char in piece:
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                    if depth < 0:
                        raise TemplateError(f"unbalanced ')' in {text!r}")
        current.append(piece)
        if not depth:
            parts.append("".join(current))
            current = []
    if depth:
        raise TemplateError(f"unbalanced '(' in {text!r}")
    return parts


def _alternatives(inner: str) -> list[str]:
    """Split the inside of a group on its top-level '|'."""
    if "(" not in inner and ")" not in inner:
        return inner.split("|")  # no nested group: every '|' is at the top level
    options: list[str] = []
    depth = 0
    start = 0
    for match in _GROUPING.finditer(inner):
        char = match.group()
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            options.append(inner[start : match.start()])
            start = match.end()
    options.append(inner[start:])
    return options


@lru_cache(maxsize=_PARSES)
def _fold_word(word: str) -> str:
    stem_head = word.startswith("*")
    stem_tail = word.endswith("*")
    core = fold(word.strip("*")).text
    if not core or any(char.isspace() for char in core) or "{" in core or "}" in core:
        raise TemplateError(f"not a word: {word!r}")
    return ("*" if stem_head else "") + core + ("*" if stem_tail else "")


def _affixed_group(part: str) -> tuple[str, list[str], str] | None:
    """Split "pre(a|b)post" at its first group when letters touch it: head, alternatives, tail."""
    start = part.find("(")
    if start < 0:
        return None
    depth = 0
    for match in _PARENTHESES.finditer(part, start):
        if match.group() == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                index = match.start()
                return part[:start], _alternatives(part[start + 1 : index]), part[index + 1 :]
    raise TemplateError(f"unbalanced '(' in {part!r}")


def parse_part(part: str) -> Node:
    """Parse one space-separated part of a template."""
    if part.isalpha():
        # A plain word (most parts): no operator, slot or group can be in it, and ASCII letters fold to lowercase.
        return Word(part.lower() if part.isascii() else _fold_word(part))
    if part.startswith(NOT_PREFIX) and len(part) > len(NOT_PREFIX):
        return Negated(parse_part(part[len(NOT_PREFIX) :]))
    if part in ("^", "$", ","):
        return Anchor(part)
    gap = _GAP.fullmatch(part)
    if gap:
        size = int(gap.group(1) or DEFAULT_GAP)
        if not 1 <= size <= MAX_GAP:
            raise TemplateError(f"gap {part!r}: between 1 and {MAX_GAP} tokens")
        return Gap(size)
    if len(part) > 1 and part.endswith("?"):
        return Opt(parse_part(part[:-1]))
    if len(part) > 1 and part.endswith("+") and (part.startswith("(") or part.startswith("{")):
        return Repeat(parse_part(part[:-1]))
    slot = _SLOT.fullmatch(part)
    if slot:
        return Ref(slot.group(1), slot.group(2) == "base")
    group = _affixed_group(part) if "(" in part else None
    if group is not None and part.startswith("(") and part.endswith(")") and not group[2]:
        # One group, the whole part (its first '(' closes at the end).
        options = tuple(parse_sequence(option) for option in group[1])
        # (Only an option that begins with an anchor can be all anchors: most are read no further.)
        if any(
            option.parts and isinstance(option.parts[0], Anchor) and all(isinstance(inner, Anchor) for inner in option.parts)
            for option in options
        ):
            # An anchor matches no token, so "(word|$)" would read as "word?": refuse it.
            raise TemplateError(f"{part}: '^', '$' or ',' alone cannot be an alternative; write two templates")
        return Alt(options)
    if group:
        head, spellings, tail = group
        if "{" in part:
            raise TemplateError(f"a lexicon slot cannot be glued to letters: {part!r}")
        # Letters glued to a group spell one word several ways: expand the spellings now.
        return Alt(tuple(parse_sequence(head + spelling + tail) for spelling in spellings))
    if "{" in part or "}" in part:
        raise TemplateError(f"bad lexicon reference {part!r}: write {{name}} with lowercase letters, digits, _")
    if "|" in part or ")" in part:
        raise TemplateError(f"unbalanced group in {part!r}")
    return Word(_fold_word(part))


def plain_phrase(text: str) -> Phrase | None:
    """The one phrase of an entry of plain words ("son of a bitch"), as parse_sequence and expand_literal spell it; else None.

    Most lexicon entries are such: they need no syntax tree, only their words folded.
    """
    words = text.split()
    if not words:
        return None
    for word in words:
        if not word.isalpha():
            return None
    return tuple(word.lower() if word.isascii() else _fold_word(word) for word in words)


@lru_cache(maxsize=_PARSES)
def parse_sequence(text: str) -> Seq:
    """Parse a template or lexicon entry into a sequence of parts (empty when the text is blank).

    Remembered by text (nodes are immutable): the same groups and entries recur all over the rules.
    """
    return Seq(tuple(parse_part(part) for part in split_parts(text)))


def forget_parses() -> None:
    """Empty the memos of parse_sequence and word folding (a compile is done: nothing of it need stay)."""
    parse_sequence.cache_clear()
    _fold_word.cache_clear()


def parse_template(text: str) -> Seq:
    """Parse a whole template, checking the rules every template obeys."""
    sequence = parse_sequence(text)
    parts = [part for part in sequence.parts if not isinstance(part, Anchor)]
    if not parts:
        raise TemplateError("empty template")
    if isinstance(parts[0], Gap) or isinstance(parts[-1], Gap):
        raise TemplateError("a template cannot start or end with a gap")
    if all(can_be_empty(part) for part in parts):
        raise TemplateError("a template needs at least one part that is not optional")
    for index, part in enumerate(sequence.parts):
        if isinstance(part, Anchor) and part.kind == "^" and index != 0:
            raise TemplateError("'^' (start of a sentence) can only begin a template")
        if isinstance(part, Anchor) and part.kind == "$" and index != len(sequence.parts) - 1:
            raise TemplateError("'$' (end of a sentence) can only end a template")
    return sequence


def can_be_empty(node: Node) -> bool:
    """True when the node can match no token at all."""
    if isinstance(node, Opt | Gap | Anchor):
        return True
    if isinstance(node, Seq):
        return all(can_be_empty(part) for part in node.parts)
    if isinstance(node, Alt):
        return any(can_be_empty(option) for option in node.options)
    if isinstance(node, Repeat | Negated):
        return False
    return False


def is_literal(node: Node) -> bool:
    """True when the node names only words (no lexicon, gap or operator): it can be spelt out as phrases."""
    if isinstance(node, Word):
        return True
    if isinstance(node, Seq):
        return all(is_literal(part) for part in node.parts)
    if isinstance(node, Alt):
        return all(is_literal(option) for option in node.options)
    if isinstance(node, Opt):
        return is_literal(node.part)
    return False


def expand_literal(node: Node, limit: int) -> list[Phrase]:
    """Every token sequence a literal node stands for (raises TemplateError past `limit` phrases)."""
    if isinstance(node, Word):
        return [(node.text,)]
    if isinstance(node, Opt):
        return [*expand_literal(node.part, limit), ()]
    if isinstance(node, Alt):
        phrases: list[Phrase] = []
        for option in node.options:
            phrases.extend(expand_literal(option, limit))
            if len(phrases) > limit:
                raise TemplateError(f"spells out more than {limit} phrases")
        return list(dict.fromkeys(phrases))
    if isinstance(node, Seq):
        expansions: list[Phrase] = [()]
        for part in node.parts:
            if isinstance(part, Word):  # most parts: one more word on every phrase so far
                if len(expansions) > limit:
                    raise TemplateError(f"spells out more than {limit} phrases")
                word = (part.text,)
                expansions = [head + word for head in expansions]
                continue
            options = expand_literal(part, limit)
            if len(expansions) * len(options) > limit:
                raise TemplateError(f"spells out more than {limit} phrases")
            expansions = [head + tail for head, tail in itertools.product(expansions, options)]
        return expansions
    raise TemplateError("not a literal phrase")


def references(node: Node) -> set[str]:
    """Names of the lexicons a node refers to."""
    if isinstance(node, Ref):
        return {node.name}
    if isinstance(node, Seq):
        return set().union(*(references(part) for part in node.parts)) if node.parts else set()
    if isinstance(node, Alt):
        return set().union(*(references(option) for option in node.options)) if node.options else set()
    if isinstance(node, Opt | Repeat | Negated):
        return references(node.part)
    return set()


def expand_phrase(text: str, limit: int = 10_000) -> list[Phrase]:
    """Spell out a phrase without lexicon slots ("(kill|shoot) (him|her)") as token sequences."""
    node = parse_sequence(text)
    if not is_literal(node):
        raise TemplateError(f"{text!r} is not a plain phrase")
    return [phrase for phrase in expand_literal(node, limit) if phrase]


def describe(node: Node) -> str:
    """A short readable form of a node, for diagnostics."""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Ref):
        return "{" + node.name + (":base" if node.base else "") + "}"
    if isinstance(node, Seq):
        return " ".join(describe(part) for part in node.parts)
    if isinstance(node, Alt):
        return "(" + "|".join(describe(option) for option in node.options) + ")"
    if isinstance(node, Opt):
        return describe(node.part) + "?"
    if isinstance(node, Gap):
        return f"*{node.size}"
    if isinstance(node, Repeat):
        return describe(node.part) + "+"
    if isinstance(node, Negated):
        return "not:" + describe(node.part)
    return node.kind
