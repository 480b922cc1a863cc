"""Readings of tokens that are not plain words: misspellings of rule words, masked letters, run-together words.

Only tokens that are no known word are read again, so one real word never turns into another
("form" stays "form"): the known words are the ordinary English words plus every word the rules name.
A frequent misspelling ("wil", "sould") is in the frequency list too: it is no known word when it is
no dictionary word and far rarer than the rule word it misspells.
"""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from .tokens import LEET

# Misspellings, the two that readers make and obfuscators use: two neighbouring letters swapped (in a
# word of MIN_SWAP_LENGTH letters or more: "idoit", "dubm")
# and one letter left out (of a word of MIN_DROP_LENGTH letters or more, or one of a doubled letter
# in a shorter word: "kil", "wil"). The first letter always stays: readers recognise a word by it,
# and keeping it avoids most collisions with names.
MIN_SWAP_LENGTH = 4
MIN_DROP_LENGTH = 5
MIN_TYPO_LENGTH = 3
# The third misspelling readers make (not obfuscators): one letter written as another that sounds
# alike ("discusting", "vermen", "stupud"), in a word of MIN_SOUND_LENGTH letters or more, never the
# first letter. Vowels stand for each other; so do the consonants of one group below.
MIN_SOUND_LENGTH = 6
_SOUND_GROUPS = ("aeiouy", "cgkqx", "csz", "fv", "dt", "bp", "mn", "gj", "vw")
_SOUNDS_ALIKE = frozenset((a, b) for group in _SOUND_GROUPS for a in group for b in group if a != b)
# A word of the frequency list is a misspelling, not a word, when no dictionary (lemminflect's) knows
# it, it is not among COMMON_RANK most frequent words, and it ranks MISSPELLING_RARITY times further
# down the list than the rule word it misspells ("wil" for "will", "sould" for "should"): by Zipf's
# law that many times rarer. A function word is no dictionary entry but is common ("of" for "off").
MISSPELLING_RARITY = 50
COMMON_RANK = 5_000
# Masked letters ("s**t", "f*ck"): at least this many letters shown, and no more masks than letters.
MIN_SHOWN_LETTERS = 2
MASK = "*"
MASKS = "*#%"  # symbols that hide a letter ("f*ck", "f#ck", "f%ck"); read as "*"
# Run-together words ("ihate", "killallkurds") are split only when the token is this long, into at most
# this many parts, and it contains a rule word of MIN_CONTENT_LENGTH letters or more (not one of the
# commonest words) with an English word, or nothing, on one side of it.
MIN_SEGMENT_LENGTH = 5
MAX_SEGMENT_LENGTH = 40
MAX_SEGMENTS = 6
MIN_CONTENT_LENGTH = 3
ONE_LETTER_PARTS = frozenset({"i", "a"})
_MEMO_LIMIT = 200_000


def _deletes(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


def is_typo(token: str, word: str) -> bool:
    """True when `token` is `word` with two neighbouring letters swapped or one letter left out (never the first)."""
    size = len(word)
    if len(token) == size - 1:
        if size < MIN_SWAP_LENGTH or token[0] != word[0]:
            return False
        # A short word only loses one of a doubled letter ("kil"): any other loss makes another word ("hat").
        short = size < MIN_DROP_LENGTH
        return any(word[:index] + word[index + 1 :] == token and (not short or word[index] == word[index - 1]) for index in range(1, size))
    if len(token) != size or size < MIN_SWAP_LENGTH or token == word:
        return False
    differ = [index for index in range(size) if token[index] != word[index]]
    if len(differ) != 2 or differ[1] != differ[0] + 1 or differ[0] == 0:
        return False
    first, second = differ
    return token[first] == word[second] and token[second] == word[first]


def sounds_alike(token: str, word: str) -> bool:
    """True when `token` is `word` with one letter (never the first) written as one that sounds alike."""
    if len(token) != len(word) or len(word) < MIN_SOUND_LENGTH:
        return False
    differ = [index for index in range(1, len(word)) if token[index] != word[index]]
    return len(differ) == 1 and token[0] == word[0] and (token[differ[0]], word[differ[0]]) in _SOUNDS_ALIKE


def _one_edit(token: str, word: str) -> bool:
    """True when the token misspells the word: a letter swapped, left out, doubled or written as one that sounds alike."""
    return is_typo(token, word) or _doubled(token, word) or sounds_alike(token, word)


def _edits(word: str) -> set[str]:
    """Every token one letter shorter or with two neighbours swapped: those is_typo() may read as `word`."""
    found = {word[:index] + word[index + 1 :] for index in range(1, len(word))}
    found.update(word[:index] + word[index + 1] + word[index] + word[index + 2 :] for index in range(1, len(word) - 1))
    return found


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str] | None:
    """Every word of lemminflect's dictionary (its lemma table and overrides), or None when its files cannot be read.

    Whether a word is in the dictionary needs only the first column of its files: lemminflect's own
    loader builds every word's lemmas by part of speech, and takes about 0.3 s of CPU to do it.
    """
    from lemminflect import config

    try:
        with gzip.open(config.lemma_lu_fn, "rt", encoding="utf-8") as table:
            words = {line.partition(",")[0] for line in table.read().splitlines() if line}
        with open(config.lemma_overrides_fn, encoding="utf-8") as overrides:
            words.update(line.strip().partition(",")[0] for line in overrides if line.strip() and not line.lstrip().startswith("#"))
    except (OSError, AttributeError, ValueError):
        return None
    return frozenset(words)


def is_dictionary_word(word: str) -> bool:
    """True when lemminflect's dictionary has the word (as a noun, verb, adjective, adverb or auxiliary)."""
    known = dictionary_words()
    if known is not None:
        return word.lower() in known  # lemminflect looks words up in lower case
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word))


def rare_misspellings(targets: Iterable[str], ranked_words: Sequence[str], rank: dict[str, int] | None = None) -> frozenset[str]:
    """The words of a frequency list (most frequent first) that are misspellings of the targets, not words of their own."""
    if rank is None:
        rank = dict(zip(ranked_words, range(len(ranked_words)), strict=True))
    found: set[str] = set()
    last = len(ranked_words) - 1
    for word in targets:
        # A rule word the list lacks is rarer than any of its misspellings that the list holds.
        target_rank = rank.get(word)
        if target_rank is None or MISSPELLING_RARITY * (target_rank + 1) > last:
            continue  # nor can a word ranked below the first 2,000 have one far enough down the list
        for variant in _edits(word):
            variant_rank = rank.get(variant)
            # The ranks first: few edits are listed words, and is_typo() costs more than a lookup.
            if (
                variant_rank is not None
                and variant_rank >= COMMON_RANK
                and variant_rank >= MISSPELLING_RARITY * (target_rank + 1)
                and variant != word
                and is_typo(variant, word)
                and not is_dictionary_word(variant)
            ):
                found.add(variant)
    return frozenset(found)


def _frequency_list() -> Sequence[str]:
    """The frequency list behind the known words (wordfreq's), for a speller unpickled without it."""
    from .wordlist import KNOWN_WORDS, ordinary_words

    return ordinary_words(KNOWN_WORDS)


def _doubled(token: str, word: str) -> bool:
    """True when the token is the word with one of its letters written twice ("fuuck" for "fuck"), never the first."""
    if len(token) != len(word) + 1:
        return False
    return any(token[index] == token[index - 1] and token[:index] + token[index + 1 :] == word for index in range(1, len(token)))


@dataclass(frozen=True, slots=True)
class Reading:
    """What a token may also stand for: rule words it misspells or masks, and the words it runs together."""

    extra_forms: tuple[str, ...] = ()
    parts: tuple[tuple[int, int], ...] = ()


NO_READING = Reading()


class Speller:
    """Finds the readings of unknown tokens against the rule vocabulary; memoised per token text."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        no_typos: Iterable[str],
        known_words: frozenset[str],
        common_words: frozenset[str],
        names: Iterable[str] = (),
        safe_words: frozenset[str] = frozenset(),
        function_words: frozenset[str] = frozenset(),
        ranked_words: Sequence[str] = (),
        chat_spellings: dict[str, str] | None = None,
    ):
        """`ranked_words`: the frequency list behind `known_words`, most frequent first, to find its misspellings.

        `chat_spellings`: from the lexicons' `spellings:` ("u": "you", "dont": "don't").
        """
        words = {word for word in vocabulary if word.isalpha()}
        self.vocabulary = frozenset(words)
        # Words that are names themselves (peoples, nationalities): a capitalised unknown word in the
        # middle of a sentence is a name, and may only be read as a misspelt name ("Muslmis").
        self.names = frozenset(names) & self.vocabulary
        untypable = set(no_typos)
        typable = {word for word in words if len(word) >= MIN_SWAP_LENGTH and word not in untypable}
        self._ranked: Sequence[str] = ranked_words
        self._rank_typos = bool(ranked_words)
        # Misspellings the frequency list holds ("wil") are read as the rule word, as unknown tokens are.
        self.misspellings = rare_misspellings(typable, self._ranked) - words - safe_words
        # Safe words ("dotard", "scunthorpe") are ordinary words the frequency list may not hold: known, never split.
        self.english = (known_words - self.misspellings) | safe_words
        self.known = self.english | self.vocabulary
        self.common = common_words
        # Tuples from the start (most deletions belong to one word), in sorted order since the words are.
        deletes: dict[str, tuple[str, ...]] = {}
        for word in sorted(typable):
            alone = (word,)
            for index in range(len(word)):
                variant = word[:index] + word[index + 1 :]
                found = deletes.get(variant)
                if found is None:
                    deletes[variant] = alone
                elif found[-1] != word:  # not the same deletion again ("kil" from "kill" twice)
                    deletes[variant] = (*found, word)
        masks: dict[int, list[str]] = {}
        for word in words:
            masks.setdefault(len(word), []).append(word)
        self._deletes = deletes
        self._typo_targets = frozenset(typable)
        self._masks = {size: tuple(sorted(found)) for size, found in masks.items()}
        self._content = ahocorasick.Automaton()
        for word in words:
            if len(word) >= MIN_CONTENT_LENGTH and word not in function_words:
                self._content.add_word(word, len(word))
        if len(self._content):
            self._content.make_automaton()
        self._memo: dict[str, Reading] = {}
        self._segmenter: Any = None
        self.chat_spellings: dict[str, str] = dict(chat_spellings or {})

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        # The frequency list is not pickled: an unpickled speller takes wordlist's again when extended.
        state["_memo"], state["_segmenter"], state["_ranked"] = {}, None, ()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def extended(
        self,
        vocabulary: Iterable[str],
        no_typos: Iterable[str],
        names: Iterable[str],
        safe_words: frozenset[str],
        function_words: frozenset[str],
    ) -> Speller:
        """A copy of this speller with more rule words and safe words (a site's overlay): only the new words are indexed."""
        words = {word for word in vocabulary if word.isalpha()} - self.vocabulary
        untypable = set(no_typos)
        speller: Speller = object.__new__(Speller)
        speller.__dict__.update(self.__getstate__())
        speller.vocabulary = self.vocabulary | words
        speller.names = self.names | (frozenset(names) & speller.vocabulary)
        typable = {word for word in words if len(word) >= MIN_SWAP_LENGTH and word not in untypable}
        added: frozenset[str] = frozenset()
        if typable and self._rank_typos:
            ranked = self._ranked or _frequency_list()
            added = rare_misspellings(typable, ranked) - speller.vocabulary - safe_words
        speller.misspellings = self.misspellings | added
        speller.english = (self.english - added) | safe_words
        speller.known = speller.english | speller.vocabulary
        deletes = dict(self._deletes)
        for word in typable:
            for variant in _deletes(word):
                deletes[variant] = tuple(sorted({*deletes.get(variant, ()), word}))
        speller._deletes = deletes
        speller._typo_targets = self._typo_targets | typable
        masks = dict(self._masks)
        for word in words:
            masks[len(word)] = tuple(sorted({*masks.get(len(word), ()), word}))
        speller._masks = masks
        content = [word for word in words if len(word) >= MIN_CONTENT_LENGTH and word not in function_words]
        if content:
            # The shared automaton is never changed: a new one holds its words and the site's.
            automaton = ahocorasick.Automaton()
            for word in [*self._content.keys(), *content]:
                automaton.add_word(word, len(word))
            automaton.make_automaton()
            speller._content = automaton
        return speller

    def is_known(self, word: str) -> bool:
        """True for an ordinary English word or a word the rules name."""
        return word in self.known

    def misspelt(self, word: str, name: bool = False) -> tuple[str, ...]:
        """Rule words that an unknown word misspells by one edit (only names, when the word is written as a name)."""
        if len(word) < MIN_TYPO_LENGTH or not word.isalpha() or word in self.known:
            return ()
        candidates: set[str] = set(self._deletes.get(word, ()))  # a letter left out
        for variant in _deletes(word):  # two letters swapped, or one changed: both lose the same letter(s)
            candidates.update(self._deletes.get(variant, ()))
        for index in range(1, len(word)):  # a letter doubled ("fuuck", "biitch"): read once
            if word[index] == word[index - 1]:
                once = word[:index] + word[index + 1 :]
                if once in self._typo_targets:
                    candidates.add(once)
        if name:
            candidates &= self.names
        return tuple(sorted(candidate for candidate in candidates if _one_edit(word, candidate)))

    def unmasked(self, raw: str) -> tuple[str, ...]:
        """Rule words that a token with masked letters ("s**t", "f*ck") may stand for."""
        core = "".join(MASK if char in MASKS else LEET.get(char, (char,))[0] for char in raw)
        masked = core.count(MASK)
        shown = len(core) - masked
        # The mask stands inside the word: "*is*" is emphasis, not a hidden word.
        if not masked or core[0] == MASK or core[-1] == MASK:
            return ()
        if shown < MIN_SHOWN_LETTERS or masked > shown or not core.replace(MASK, "").isalpha():
            return ()
        return tuple(
            word for word in self._masks.get(len(core), ()) if all(mask in (MASK, letter) for mask, letter in zip(core, word, strict=True))
        )

    def segments(self, word: str) -> tuple[tuple[int, int], ...]:
        """Where an unknown run-together word ("killallkurds") splits into known words, or () when it does not."""
        if not MIN_SEGMENT_LENGTH <= len(word) <= MAX_SEGMENT_LENGTH or not word.isalpha() or word in self.known:
            return ()
        if not self._splits_around_rule_word(word):
            return ()  # no rule word inside with known words around it: splitting cannot matter
        if self._segmenter is None:
            from .segmenter import splitter

            self._segmenter = splitter()
        parts: list[str] = self._segmenter(word)
        if not 2 <= len(parts) <= MAX_SEGMENTS or "".join(parts) != word:
            return ()
        for part in parts:
            # Every part an English word: a rule word the frequency list lacks ("kum" in "kumplug") is no part.
            if (
                part not in self.english
                or (len(part) == 1 and part not in ONE_LETTER_PARTS)
                or (len(part) == 2 and part not in self.common)
            ):
                return ()
        return self._offsets(parts)

    def _splits_around_rule_word(self, word: str) -> bool:
        """The cheap test before segmenting: a rule word inside (no function word), with an English word (or nothing) on one side.

        Most unknown tokens are names, codes or typos: this keeps the segmenter, which costs about
        a hundred microseconds a word, for the few that can be run-together words.
        """
        if not len(self._content):
            return False
        known = self.english
        for end, length in self._content.iter(word):
            start = end + 1 - length
            left, right = word[:start], word[end + 1 :]
            if not left or left in known or not right or right in known:
                return True
        return False

    def split_at(self, word: str, cuts: Iterable[int]) -> tuple[tuple[int, int], ...]:
        """Split a word at given offsets (camel case: "DeathToArabs") when every part is a known word."""
        bounds = [0, *sorted(cut for cut in cuts if 0 < cut < len(word)), len(word)]
        pieces = [(start, end) for start, end in itertools.pairwise(bounds) if end > start]
        if len(pieces) < 2 or not all(word[start:end] in self.known for start, end in pieces):
            return ()
        return tuple(pieces)

    @staticmethod
    def _offsets(parts: list[str]) -> tuple[tuple[int, int], ...]:
        spans, position = [], 0
        for part in parts:
            spans.append((position, position + len(part)))
            position += len(part)
        return tuple(spans)

    def read(self, raw: str, plain: str, name: bool = False) -> Reading:
        """The readings of one token: `raw` as written (folded), `plain` its first spelling; `name`: written as a name."""
        memo = self._memo
        key = raw + "\0" if name else raw
        found = memo.get(key)
        if found is not None:
            return found
        extra: tuple[str, ...] = ()
        parts: tuple[tuple[int, int], ...] = ()
        if any(char in raw for char in MASKS):
            extra = self.unmasked(raw)
        elif plain.isalpha() and plain not in self.known:
            extra = self.misspelt(plain, name)
            if not extra and plain == raw:
                parts = self.segments(plain)
                # A word written as a name is cut only after a name it starts with ("Muslimsdisgust"):
                # "Cumbaria" is a place, not "cum bari a" (camel case is cut elsewhere).
                if name and parts and plain[: parts[0][1]] not in self.names:
                    parts = ()
        found = Reading(extra, parts) if extra or parts else NO_READING
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = found
        return found
