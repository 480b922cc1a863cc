"""The token lattice of a comment: its tokens, plus other readings of them as edges over the same positions.

Positions are the gaps between the primary tokens. Besides each token (p -> p+1), an edge may join
spaced-out letters ("f u c k": p -> p+4), a word written in two parts ("id iot", "dim-wit": p -> p+2),
or stand for a run-together token split into words ("killallkurds" is three primary tokens, and the
unsplit token an edge over them). Matching walks edges, so every reading is tried in one pass.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

import ahocorasick

from . import sentences
from .names import is_name
from .normalize import FoldedText
from .spelling import NO_READING, Speller
from .tokens import LEET, MAX_FRAGMENT, ONE_LETTER_WORDS, Scanner, Token, letter_runs, spellings

Edge = tuple[int, tuple[str, ...]]
_HYPHEN = re.compile(r"-")
# A capital then a small letter at the start of a word: "Erdogan", "McCain" (not "I", not "NATO").
_TITLE_CASE = re.compile(r"(?<![\w'])[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]")
# A small letter before a capital: the cut is after it (matched on the small letter, which scans faster than a lookbehind).
_WORD = re.compile(r"\w+")
_CAMEL = re.compile(r"[a-z\u00df-\u00ff](?=[A-Z\u00c0-\u00de])")
# Runs of spaced-out letters are read as words from this length ("f u c k", "r e f u g e e").
MIN_JOINED_LETTERS = 3
# Three single letters at most two characters apart: the cheap test that a comment may spell a word out.
_LETTERS_HINT = re.compile(r"(?<![\w@$*!|'])[\w@$*!|'][^\w\n]{1,2}[\w@$*!|'][^\w\n]{1,2}[\w@$*!|'](?![\w@$*!|'])")


class Lattice:
    """Primary tokens (text spans and spellings), other readings as edges; sentences and quotations on first use."""

    __slots__ = ("_quotes", "_sentence", "_sentence_ends", "ends", "extra", "folded", "forms", "starts", "text")

    def __init__(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        forms: list[tuple[str, ...]],
        extra: dict[int, list[Edge]] | None = None,
        sentence_ends: list[int] | None = None,
        folded: FoldedText | None = None,
    ):
        self.text = text
        self.folded = folded
        self.starts = starts
        self.ends = ends
        self.forms = forms
        self.extra: dict[int, list[Edge]] = extra or {}
        self._sentence_ends = sentence_ends
        self._quotes: list[tuple[int, int]] | None = None
        self._sentence: list[int] | None = None

    @property
    def size(self) -> int:
        """Number of primary tokens."""
        return len(self.forms)

    @property
    def sentence(self) -> list[int]:
        """Each token's sentence number, computed on first use (a comment no template is tried on needs none).

        A property, not `__getattr__`: a class with `__getattr__` has none of its attribute reads specialised.
        """
        sentence = self._sentence
        if sentence is None:
            if self._sentence_ends is None:
                self._sentence_ends = sentences.find_ends(self.text)
            sentence = self._sentence = sentences.numbers(self._sentence_ends, self.starts)
        return sentence

    @property
    def quotes(self) -> list[tuple[int, int]]:
        """Folded-text spans of the quotations (computed on first use)."""
        if self._quotes is None:
            text = self.text
            self._quotes = sentences.quotations(text)
        return self._quotes

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """The folded-text span of the token positions [start, end)."""
        return self.starts[start], self.ends[end - 1]

    def sentence_start(self, position: int) -> bool:
        """True when a sentence begins at this position, or only handles ("@anna") stand before it in its sentence."""
        sentence = self.sentence
        while position > 0 and position < len(sentence) and sentence[position] == sentence[position - 1]:
            if self.text[self.starts[position - 1]] != "@":
                return False
            position -= 1  # "@anna @bob you idiot": the handles address the sentence, they do not start it
        return True

    def comma_before(self, position: int) -> bool:
        """True when a comma, colon or dash stands between the token before this position and this one."""
        if position <= 0 or position >= len(self.starts):
            return False
        between = self.text[self.ends[position - 1] : self.starts[position]]
        return "," in between or ":" in between or " - " in between or "\u2014" in between or "\u2013" in between

    def capitalized(self) -> list[tuple[int, int]]:
        """Position spans of words written with a capital (names), not in capitals; at a sentence start only unknown words.

        A span covers the whole written word, also when it was split into known words ("Vandersloot": van der sloot).
        """
        folded = self.folded
        if folded is None or folded.original.islower():
            return []
        found = []
        text, starts = self.text, self.starts
        for match in _TITLE_CASE.finditer(folded.original):
            at = match.start() if isinstance(folded.starts, range) else bisect.bisect_left(folded.starts, match.start())
            position = bisect.bisect_left(starts, at)
            if position < len(starts) and starts[position] == at:
                word = _WORD.match(text, at)
                stop = word.end() if word else self.ends[position]
                end = max(position + 1, bisect.bisect_left(starts, stop, position))
                # Every word opening a sentence has a capital: there only an unknown word is a name ("Pelosi is ...").
                if not self.sentence_start(position) or is_name(text[at:stop]):
                    found.append((position, end))
                    if end < len(starts) and starts[end] == stop and self.forms[end][0] == "'s":
                        found.append((position, end + 1))  # "Okafor's", read as one word: the possessive
        return found

    def sentence_end(self, position: int) -> bool:
        """True when a sentence ends at this position."""
        sentence = self.sentence
        return position == len(sentence) or (position > 0 and sentence[position] != sentence[position - 1])

    def quoted(self, start: int, end: int) -> bool:
        """True when the folded-text span [start, end) lies inside a quotation."""
        return any(left <= start and end <= right for left, right in self.quotes)


def _camel_cuts(folded: FoldedText) -> list[int]:
    """Folded-text offsets where a lower-case letter meets a capital ("DeathToArabs")."""
    original = folded.original
    if original.islower() or original.isupper():
        return []
    cuts = [match.end() for match in _CAMEL.finditer(original)]
    if not cuts or isinstance(folded.starts, range):
        return cuts
    return [bisect.bisect_left(folded.starts, cut) for cut in cuts]


def _split_token(token: Token, cuts: tuple[tuple[int, int], ...]) -> list[Token]:
    start = token.start
    return [Token(start + left, start + right, spellings(token.forms[0][left:right])) for left, right in cuts]


# Contractions read as two words ("you're" -> you 're, "don't" -> do n't), the ending also as its full word.
_ENDINGS = {
    "n't": ("n't", "not"),
    "'re": ("'re", "are"),
    "'ve": ("'ve", "have"),
    "'ll": ("'ll", "will"),
    "'m": ("'m", "am"),
    "'d": ("'d",),
    "'s": ("'s", "is"),
}
# "'s" is "is" only after these ("he's", "that's"); after a noun it is a possessive ("the Kurds' land", "Ali's").
_IS_HEADS = frozenset({"he", "she", "it", "that", "this", "what", "who", "there", "here", "where", "how", "everyone", "nobody", "someone"})
_LET_US = ("'s", "us")  # "let's"
_MIN_NAME_IS = 5  # "Ali's" and longer: a shorter capitalised word with "'s" is mostly "It's", "He's"
_IRREGULAR_HEADS = {"wo": "will", "ca": "can", "sha": "shall", "ai": "is"}


def _contraction(token: Token) -> list[Token] | None:
    """The two words of a contraction ("you're", "don't", "won't"), or None."""
    word = token.forms[0]
    for ending, forms in _ENDINGS.items():
        if word.endswith(ending) and len(word) > len(ending) and token.end - token.start == len(word):
            cut = token.start + len(word) - len(ending)
            head = word[: -len(ending)]
            if ending == "'s":
                if head == "let":
                    forms = _LET_US
                elif head not in _IS_HEADS:
                    return None
            head_forms = spellings(head)
            if head in _IRREGULAR_HEADS and ending == "n't":
                head_forms = tuple(dict.fromkeys((*head_forms, _IRREGULAR_HEADS[head])))
            return [Token(token.start, cut, head_forms), Token(cut, token.end, forms)]
    return None


def _name_is(folded: FoldedText, start: int, end: int, word: str) -> bool:
    """True for a name with "'s" ("Erdogan's"): the "'s" may be "is" ("Erdogan's a liar") as well as a possessive."""
    if not word.endswith("'s") or len(word) < _MIN_NAME_IS:
        return False
    first = folded.starts[start]
    written = folded.original[first : folded.ends[end - 1]]
    return written[:1].isupper() and not written[1:2].isupper()


def _name_and_is(token: Token) -> list[Token]:
    """A name and its "'s" as two words; the whole word stays an edge over both, for the possessive."""
    cut = token.end - 2
    return [Token(token.start, cut, spellings(token.forms[0][:-2])), Token(cut, token.end, _ENDINGS["'s"])]


def _in_abbreviation(text: str, start: int, end: int) -> bool:
    """True for a letter of an abbreviation written with full stops ("U.S.", "U.N."): no chat spelling."""
    after = text[end : end + 2]
    if len(after) == 2 and after[0] == "." and after[1].isalpha():
        return True
    before = text[max(0, start - 3) : start]
    return len(before) >= 2 and before[-1] == "." and before[-2].isalpha() and (len(before) < 3 or not before[-3].isalpha())


def _written_as_name(folded: FoldedText, start: int, end: int, sentence_ends: list[int] | None, previous_end: int) -> bool:
    """True for a title-case word ("Ponyo") inside a sentence: the comment names someone or something."""
    original = folded.original
    first, last = folded.starts[start], folded.ends[end - 1]
    word = original[first:last]
    if not word[:1].isupper() or word.isupper():
        return False
    if previous_end < 0:
        return False  # the first word of the comment
    if sentence_ends is None:
        sentence_ends = sentences.find_ends(folded.text)
    index = bisect.bisect_left(sentence_ends, previous_end)
    return not (index < len(sentence_ends) and sentence_ends[index] < start)


Tokens = tuple[list[int], list[int], list[tuple[str, ...]]]


def _splice(tokens: Tokens, replaced: dict[int, list[Token]]) -> tuple[Tokens, dict[int, tuple[str, ...]]]:
    """The tokens (parallel lists) with each split one replaced by its parts; and the unsplit spellings by first part."""
    starts, ends, forms = tokens
    new_starts: list[int] = []
    new_ends: list[int] = []
    new_forms: list[tuple[str, ...]] = []
    unsplit: dict[int, tuple[str, ...]] = {}
    done = 0
    for index in sorted(replaced):
        # the tokens between two split ones, copied whole
        new_starts.extend(starts[done:index])
        new_ends.extend(ends[done:index])
        new_forms.extend(forms[done:index])
        unsplit[len(new_forms)] = forms[index]
        for part in replaced[index]:
            new_starts.append(part.start)
            new_ends.append(part.end)
            new_forms.append(part.forms)
        done = index + 1
    new_starts.extend(starts[done:])
    new_ends.extend(ends[done:])
    new_forms.extend(forms[done:])
    return (new_starts, new_ends, new_forms), unsplit


def _readings(
    text: str, folded: FoldedText, speller: Speller, tokens: Tokens, unknown: list[int], cuts: list[int]
) -> tuple[dict[int, list[Token]], list[int] | None]:
    """Give the tokens that are no known word their other spellings (in place); return those that split, by index.

    Also returns the sentence ends when it had to find them (the lattice keeps them rather than look twice).
    """
    starts, ends, forms_of = tokens
    known = speller.known
    read = speller.read
    lowercase = folded.original.islower()
    sentence_ends: list[int] | None = None
    replaced: dict[int, list[Token]] = {}
    chat = speller.chat_spellings
    for index in unknown:
        start, end, forms = starts[index], ends[index], forms_of[index]
        raw = text[start:end]
        read_as = chat.get(forms[0]) if chat else None
        if read_as is not None and not _in_abbreviation(text, start, end):
            if "'" not in read_as:
                forms_of[index] = (*forms, read_as)
                continue
            pieces = _contraction(Token(0, len(read_as), spellings(read_as)))
            if pieces is not None:
                cut = start + pieces[0].end
                replaced[index] = [Token(start, cut, pieces[0].forms), Token(cut, end, pieces[1].forms)]
                continue
        if "'" in forms[0]:
            pieces = _contraction(Token(start, end, forms))
            if pieces is None and not lowercase and _name_is(folded, start, end, forms[0]) and forms[0][:-2] not in speller.names:
                # A person's name ("Erdogan's a liar"), not a people's: "the Kurds's land" is theirs.
                pieces = _name_and_is(Token(start, end, forms))
            if pieces is not None:
                replaced[index] = pieces
                continue
        if forms[0] in known:
            reading = NO_READING
        else:
            previous_end = ends[index - 1] if index else -1
            if sentence_ends is None and not lowercase:
                sentence_ends = sentences.find_ends(text)
            name = not lowercase and _written_as_name(folded, start, end, sentence_ends, previous_end)
            reading = read(raw, forms[0], name)
        parts = reading.parts
        if cuts and not parts:
            inside = [cut - start for cut in cuts if start < cut < end]
            if inside:
                parts = speller.split_at(forms[0], inside)
        if reading.extra_forms:
            forms_of[index] = tuple(dict.fromkeys(forms + reading.extra_forms))
        if parts and forms[0] == raw:
            replaced[index] = _split_token(Token(start, end, forms_of[index]), parts)
    return replaced, sentence_ends


def _spaced_letters(tokens: list[Token], letters: ahocorasick.Automaton, extra: dict[int, list[Edge]]) -> None:
    """Edges for rule words spelt out in single letters ("f u c k", "f.u.c.k", "r e f u g e e")."""
    if not len(letters):
        return
    runs = letter_runs(tokens, MIN_JOINED_LETTERS)
    if not runs:
        return
    position_of = {token.start: index for index, token in enumerate(tokens)}
    for run in runs:
        spelt = "".join(t.forms[0] if t.forms[0].isalpha() else LEET.get(t.forms[0], (t.forms[0],))[0] for t in run)
        first = position_of[run[0].start]
        for last_letter, length in letters.iter(spelt):
            begin = last_letter - length + 1
            extra.setdefault(first + begin, []).append((first + last_letter + 1, (spelt[begin : last_letter + 1],)))


def _split_words(
    text: str,
    starts: list[int],
    ends: list[int],
    forms: list[tuple[str, ...]],
    fragments: list[int],
    speller: Speller,
    extra: dict[int, list[Edge]],
    useful: Callable[[tuple[str, ...]], bool] | None,
) -> None:
    """Edges for words written in two parts: joined by a hyphen, or by one space beside a fragment ("id iot")."""
    last = len(starts) - 1
    pairs: dict[int, bool] = {}
    for index in fragments:
        for left in (index - 1, index):
            if (
                0 <= left < last
                and starts[left + 1] - ends[left] == 1
                and text[ends[left]] == " "
                and forms[left][0] not in ONE_LETTER_WORDS
            ):
                pairs[left] = True
    if "-" in text:
        ending_at = {end: index for index, end in enumerate(ends)}
        for match in _HYPHEN.finditer(text):
            before = ending_at.get(match.start())
            if before is not None and before < last and starts[before + 1] == match.end():
                pairs.setdefault(before, False)
    vocabulary = speller.vocabulary
    for left in sorted(pairs):
        joined = tuple(dict.fromkeys(head + tail for head in forms[left][:4] for tail in forms[left + 1][:4]))
        if max(ends[left] - starts[left], ends[left + 1] - starts[left + 1]) > MAX_FRAGMENT:
            # With a whole word beside a piece ("f ucking"), only words the rules name in full count:
            # a stem would also reach into the next word of ordinary text ("FC Katowice").
            joined = tuple(form for form in joined if form in vocabulary)
        if joined and (useful is None or useful(joined)):
            extra.setdefault(left, []).append((left + 2, joined))


def scanner_for(speller: Speller) -> Scanner:
    """A tokeniser for the speller's vocabulary, which sends its chat spellings to be read again."""
    return Scanner(speller.known, speller.common, speller.chat_spellings)


def build_lattice(
    folded: FoldedText,
    speller: Speller,
    letters: ahocorasick.Automaton,
    useful: Callable[[tuple[str, ...]], bool] | None = None,
    scanner: Scanner | None = None,
) -> Lattice:
    """Tokenise a folded comment and add every other reading as an edge.

    `useful`, when given, tells whether the rules have any phrase starting with one of a joined word's
    spellings: a word in two parts that no rule could use adds no edge. `scanner`: the ruleset's
    tokeniser for the speller's vocabulary (it remembers raw tokens); a fresh one when not given.
    """
    text = folded.text
    if scanner is None:
        scanner = scanner_for(speller)
    starts, ends, forms, unknown, fragments = scanner.scan(text)
    cuts = _camel_cuts(folded)
    spaced = _LETTERS_HINT.search(text) is not None
    extra: dict[int, list[Edge]] = {}
    sentence_ends: list[int] | None = None
    if cuts:
        unknown = sorted({*unknown, *(index for index, spelt in enumerate(forms) if len(spelt[0]) > 3)})
    if unknown:
        replaced, sentence_ends = _readings(text, folded, speller, (starts, ends, forms), unknown, cuts)
        if replaced:
            (starts, ends, forms), unsplit = _splice((starts, ends, forms), replaced)
            for first, spelt in unsplit.items():
                count = 1
                while first + count < len(starts) and starts[first + count] < starts[first] + len(spelt[0]):
                    count += 1
                extra.setdefault(first, []).append((first + count, spelt))
            common = speller.common
            fragments = [
                index for index, spelt in enumerate(forms) if ends[index] - starts[index] <= MAX_FRAGMENT and spelt[0] not in common
            ]
    if spaced:
        # Spelt-out letters are rare: only then are the tokens made objects.
        _spaced_letters([Token(*token) for token in zip(starts, ends, forms, strict=True)], letters, extra)
    if fragments or "-" in text:
        _split_words(text, starts, ends, forms, fragments, speller, extra, useful)
    return Lattice(text, starts, ends, forms, extra, sentence_ends, folded)
