"""An immutable, compiled ruleset snapshot and the pure function that evaluates a comment against it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import re2

from .detectors import DETECTORS, Span
from .model import CATEGORIES, Assessment, Decision, Match, Reason, Rule, Settings
from .normalize import FoldedText, fold
from .templates import Template
from .tokens import ONE_LETTER_WORDS, Token, joined_forms, letter_runs, spaced_out_words, split_words, tokenize
from .trie import StemIndex
from .wordlist import common_words

# Entry kinds in the anchor index.
_HIT, _EXCEPTION, _ALLOW = 0, 1, 2
# Double-quoted passages (straight or curly quotes): what a commenter reports someone else said.
# Kept short: a long stretch between two quote marks is more often badly paired quotes than a quotation.
# A quotation hugs its quote marks ("like this"); a quote mark followed by a space is more often the end of one.
_QUOTED = re.compile(r'"[^"\s](?:[^"\n]{0,148}[^"\s])?"|\u201c[^\u201d\n]{1,150}\u201d')
# A quote only reports speech when the comment says something outside it.
_MIN_WORDS_OUTSIDE_QUOTES = 3


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _inside(span: Span, others: Iterable[Span]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in others)


def _outermost(spans: Iterable[Span]) -> list[Span]:
    """Distinct spans without those inside another: a shorter hit inside a longer one adds nothing for the moderator.

    One pass over the spans sorted by start, longest first (linear after sorting: a comment can hold thousands of hits).
    """
    kept: list[Span] = []
    reach = -1
    for span in sorted(set(spans), key=lambda span: (span[0], -span[1])):
        if span[1] > reach:
            kept.append(span)
            reach = span[1]
    return kept


def _quoted_spans(text: str, tokens: list[Token]) -> list[Span]:
    """Double-quoted passages, when the comment has words of its own outside them."""
    spans = [match.span() for match in _QUOTED.finditer(text)]
    if not spans:
        return []
    outside = sum(1 for token in tokens if not _inside((token.start, token.end), spans))
    return spans if outside >= _MIN_WORDS_OUTSIDE_QUOTES else []


def _merged_token_lists(tokens: list[Token], runs: list[list[Token]]) -> list[list[Token]]:
    """Token lists with each run of spaced-out letters replaced by one joined token (linear in the tokens)."""
    if not runs:
        return []
    run_at = {run[0].start: run for run in runs}
    in_run = {token.start for run in runs for token in run}
    variants: list[list[Token]] = []
    seen: set[tuple[tuple[int, int], ...]] = set()
    # A run may swallow a neighbouring one-letter word ("a f a g g o t", "i m m i g r a n t i see"):
    # try it with and without that letter at either end, since a word may also start with one ("i m m ...").
    for trim_head, trim_tail in ((False, False), (True, True), (False, True), (True, False)):
        merged: list[Token] = []
        for token in tokens:
            if token.start not in in_run:
                merged.append(token)
                continue
            run = run_at.get(token.start)
            if run is None:
                continue
            inside = list(run)
            head = [inside.pop(0)] if trim_head and inside[0].forms[0] in ONE_LETTER_WORDS else []
            tail = [inside.pop()] if trim_tail and len(inside) > 1 and inside[-1].forms[0] in ONE_LETTER_WORDS else []
            forms = joined_forms(inside) if not (head or tail) else ("".join(other.forms[0] for other in inside),)
            merged.extend([*head, Token(inside[0].start, inside[-1].end, forms), *tail])
        key = tuple((token.start, token.end) for token in merged)
        if key not in seen:  # no one-letter word at that end: the same list again
            seen.add(key)
            variants.append(merged)
    return variants


class _WindowOr:
    """OR of the slot masks over any window of tokens in O(1), after an O(n log n) sparse table."""

    def __init__(self, masks: list[int]):
        self.size = len(masks)
        self.levels = [masks]
        width = 1
        while width * 2 <= self.size:
            below = self.levels[-1]
            self.levels.append([below[i] | below[i + width] for i in range(self.size - 2 * width + 1)])
            width *= 2
        self.whole = self.between(0, self.size) if self.size else 0

    def between(self, start: int, end: int) -> int:
        """OR of the masks of tokens start..end-1 (end is clipped to the text)."""
        end = min(end, self.size)
        if end <= start:
            return 0
        level = (end - start).bit_length() - 1
        row = self.levels[level]
        return row[start] | row[end - (1 << level)]


class Ruleset:
    """A compiled set of rules; evaluate() is pure and safe to call from many threads at once."""

    def __init__(self, rules: tuple[Rule, ...], settings: Settings, version: str, files: tuple[str, ...] = ()):
        self.rules = rules
        self.settings = settings
        self.version = version
        self.files = files
        self._entries: list[tuple[int, Template, int]] = []
        self._anchors: StemIndex[list[int]] = StemIndex()
        self._patterns: list[tuple[int, object, int]] = []
        self._detector_rules: list[int] = []
        # Spelling -> anchored entries; spellings repeat across comments (Zipf), so most lookups hit this cache.
        self._candidate_cache: dict[tuple[str, ...], tuple[int, ...]] = {}
        # Read split words against this list; loaded with the rules, so the first comment does not wait for it.
        self._common_words = common_words()
        # Prefilter: an entry is only tried at a token when each of its other required word sets (slots)
        # has a word starting within the entry's reach. Anchors are often common words ("you", "they");
        # the rarer required slot (an insult, a violent verb) is absent from most windows. Slots are bits
        # of an int, so a window's slots are a few ORs and the test one AND.
        self._slot_numbers: dict[int, int] = {}
        self._slot_index: StemIndex[int] = StemIndex()
        self._requirements: list[int] = []
        self._reach: list[int] = []
        self._slot_cache: dict[tuple[str, ...], int] = {}
        for index, rule in enumerate(rules):
            for template in rule.templates:
                self._add_template(index, template, _HIT)
            for template in rule.unless:
                self._add_template(index, template, _EXCEPTION)
            self._patterns.extend((index, pattern, _HIT) for pattern in rule.patterns)
            self._patterns.extend((index, pattern, _EXCEPTION) for pattern in rule.unless_patterns)
            if rule.detectors:
                self._detector_rules.append(index)
        self._quote_rules = frozenset(index for index, rule in enumerate(rules) if rule.unless_quoted)
        # All patterns in one RE2 set: one linear scan tells which (usually none) need their spans found.
        self._pattern_set: Any = None
        if self._patterns:
            options = re2.Options()
            options.max_mem = 64 << 20
            self._pattern_set = re2.Set.SearchSet(options)
            for _rule_index, pattern, _kind in self._patterns:
                self._pattern_set.Add(pattern.pattern)  # type: ignore[attr-defined]
            self._pattern_set.Compile()
        for template in settings.allow:
            self._add_template(-1, template, _ALLOW)

    def _add_template(self, rule_index: int, template: Template, kind: int) -> None:
        entry = len(self._entries)
        self._entries.append((rule_index, template, kind))
        for key in dict.fromkeys(template.anchors()):
            self._anchors.setdefault(key, list).append(entry)
        required = 0
        # The first part is the anchor, already matched when the entry is a candidate.
        for slot in template.required_slots()[1 if template.starts_with_required() else 0 :]:
            number = self._slot_numbers.get(id(slot.words))
            if number is None:
                number = self._slot_numbers[id(slot.words)] = len(self._slot_numbers)
                for key in dict.fromkeys(slot.words.first_words()):
                    self._slot_index.put(key, self._slot_index.setdefault(key, default=0) | (1 << number))
            required |= 1 << number
        self._requirements.append(required)
        self._reach.append(template.max_tokens())

    def _slot_masks(self, tokens: list[Token]) -> list[int]:
        """For each token, the bits of the required word sets that one of its spellings may start."""
        cache = self._slot_cache
        masks = []
        for token in tokens:
            mask = cache.get(token.forms)
            if mask is None:
                mask = 0
                for form in token.forms:
                    for bits in self._slot_index.lookup(form, self.settings.safe_words):
                        mask |= bits
                if len(cache) > 500_000:
                    cache.clear()
                cache[token.forms] = mask
            masks.append(mask)
        return masks

    def _candidates(self, forms: tuple[str, ...]) -> tuple[int, ...]:
        """Entries whose first word matches any of a token's spellings (memoised per spelling set)."""
        cached = self._candidate_cache.get(forms)
        if cached is not None:
            return cached
        candidates: set[int] = set()
        for form in forms:
            for bucket in self._anchors.lookup(form, self.settings.safe_words):
                candidates.update(bucket)
        result = tuple(sorted(candidates))
        if len(self._candidate_cache) > 500_000:
            self._candidate_cache.clear()
        self._candidate_cache[forms] = result
        return result

    def _template_spans(
        self, tokens: list[Token], found: dict[int, list[Span]], exceptions: dict[int, list[Span]], allowed: list[Span]
    ) -> None:
        safe = self.settings.safe_words
        windows = _WindowOr(self._slot_masks(tokens))
        present = windows.whole
        requirements, reach = self._requirements, self._reach
        for position, token in enumerate(tokens):
            for entry in self._candidates(token.forms):
                required = requirements[entry]
                if required and (
                    present & required != required or windows.between(position, position + reach[entry]) & required != required
                ):
                    continue
                rule_index, template, kind = self._entries[entry]
                end = template.match(tokens, position, safe)
                if end < 0:
                    continue
                span = (token.start, tokens[end - 1].end)
                self._record(rule_index, kind, span, found, exceptions, allowed)

    def _spaced_spans(
        self, text: str, tokens: list[Token], found: dict[int, list[Span]], exceptions: dict[int, list[Span]], allowed: list[Span]
    ) -> None:
        runs = letter_runs(tokens)
        if not runs:
            return  # most comments: no run of single letters
        safe = self.settings.safe_words
        for joined in spaced_out_words(text, tokens):
            for entry in self._candidates(joined.forms):
                rule_index, template, kind = self._entries[entry]
                if template.match((joined,), 0, safe) == 1:
                    self._record(rule_index, kind, (joined.start, joined.end), found, exceptions, allowed)
        # Spaced-out words inside phrases ("shoot the next d i s a b l e d person"): match the
        # templates again over the tokens with each longest run of letters joined into one word.
        for merged in _merged_token_lists(tokens, runs):
            self._template_spans(merged, found, exceptions, allowed)

    def _split_spans(
        self, text: str, tokens: list[Token], found: dict[int, list[Span]], exceptions: dict[int, list[Span]], allowed: list[Span]
    ) -> None:
        """Words written in two parts ("id iot", "sh yt", "dim-wit") that a rule's word list names."""
        safe = self.settings.safe_words
        for split in split_words(text, tokens, self._common_words):
            if split.of_fragments:
                entries: Iterable[int] = self._candidates(split.joined.forms)
            else:
                # A stem ("fck*") would also reach into the next word of ordinary text ("FC Katowice").
                entries = [entry for form in split.joined.forms for entry in self._anchors.exact.get(form, ())]
            for entry in entries:
                rule_index, template, kind = self._entries[entry]
                if template.match((split.joined,), 0, safe) == 1:
                    self._record(rule_index, kind, (split.joined.start, split.joined.end), found, exceptions, allowed)

    @staticmethod
    def _record(
        rule_index: int, kind: int, span: Span, found: dict[int, list[Span]], exceptions: dict[int, list[Span]], allowed: list[Span]
    ) -> None:
        if kind == _HIT:
            found[rule_index].append(span)
        elif kind == _EXCEPTION:
            exceptions[rule_index].append(span)
        else:
            allowed.append(span)

    def rule_spans(self, folded: FoldedText) -> dict[int, list[Span]]:
        """Folded-text spans of every rule that fired, after exceptions and allowed phrases."""
        text = folded.text
        tokens = tokenize(text)
        found: dict[int, list[Span]] = defaultdict(list)
        exceptions: dict[int, list[Span]] = defaultdict(list)
        allowed: list[Span] = []
        self._template_spans(tokens, found, exceptions, allowed)
        self._spaced_spans(text, tokens, found, exceptions, allowed)
        self._split_spans(text, tokens, found, exceptions, allowed)
        matched_patterns = self._pattern_set.Match(text) if self._pattern_set is not None else None
        for number in sorted(matched_patterns or ()):
            rule_index, pattern, kind = self._patterns[number]
            for match in pattern.finditer(text):
                if match.end() > match.start():
                    self._record(rule_index, kind, match.span(), found, exceptions, allowed)
        if self._detector_rules:
            cache: dict[str, list[Span]] = {}
            for rule_index in self._detector_rules:
                for name in self.rules[rule_index].detectors:
                    if name not in cache:
                        cache[name] = DETECTORS[name](text, self.settings.allowed_domains)
                    found[rule_index].extend(cache[name])
        quoted = _quoted_spans(text, tokens) if self._quote_rules else []
        fired: dict[int, list[Span]] = {}
        for rule_index, spans in found.items():
            rule = self.rules[rule_index]
            kept = sorted({span for span in spans if not _overlaps(span, exceptions.get(rule_index, ())) and not _inside(span, allowed)})
            if quoted and rule_index in self._quote_rules:
                kept = [span for span in kept if not _inside(span, quoted)]
            kept = _outermost(kept)
            if len(kept) >= rule.min_matches:
                fired[rule_index] = kept
        return fired

    def assess(self, text: str) -> Assessment:
        """Evaluate a comment and keep every detail (for explanations and rule tests)."""
        folded = fold(text)
        fired = self.rule_spans(folded)
        hits: list[Reason] = []
        scores: dict[str, float] = defaultdict(float)
        for rule_index in sorted(fired):
            rule = self.rules[rule_index]
            matches = []
            for start, end in fired[rule_index]:
                original_start, original_end = folded.original_span(start, end)
                matches.append(Match(original_start, original_end, text[original_start:original_end]))
            hits.append(Reason(rule.id, rule.category, rule.subcategory, rule.message, rule.mode, rule.score, tuple(matches)))
            if rule.mode == "enforce":
                scores[rule.category] += rule.score
        rejected = tuple(c for c in CATEGORIES if scores.get(c, 0.0) >= self.settings.threshold(c))
        reasons = tuple(hit for hit in hits if hit.mode == "shadow" or hit.category in rejected)
        decision = Decision("reject" if rejected else "approve", rejected, reasons, self.version)
        return Assessment(folded.text, tuple(hits), dict(scores), decision)

    def evaluate(self, text: str) -> Decision:
        """Decide on one comment: approve or reject, with the reasons."""
        return self.assess(text).decision

    def fired_rule_ids(self, text: str) -> set[str]:
        """Ids of the rules that fire on a text, whatever the thresholds (used to check examples)."""
        return {self.rules[index].id for index in self.rule_spans(fold(text))}
