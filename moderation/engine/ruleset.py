"""An immutable, compiled ruleset snapshot and the pure function that evaluates a comment against it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import re2

from .chart import Chart, WorkBudgetError
from .compiled import Compiled, Entry
from .detectors import DETECTORS, Span
from .lattice import Lattice, build_lattice
from .model import CATEGORIES, Assessment, Decision, Match, Reason, Rule, Settings
from .normalize import FoldedText, fold
from .proximity import Cue, Trace, mentioned, near, near_keys
from .spans import SpanSet, outermost
from .symbols import START, Series, Sym, required_masks

# Entry kinds: a rule's template, its exception, a cue word that cancels it nearby, an allowed
# phrase (any rule), a frame that mentions rather than uses words ("the word ...", "he said ...").
HIT, EXCEPTION, NEAR, ALLOW, MENTION = 0, 1, 2, 3, 4
# A quotation only reports speech when the comment says something outside it.
MIN_WORDS_OUTSIDE_QUOTES = 3
# Matching steps a comment may use: far above what any ordinary comment needs (a few thousand).
WORK_BUDGET = 400_000
_MEMO_LIMIT = 200_000
# The policy of comments with no site, or a site with no overlay: the shared rules.
DEFAULT_POLICY = "default"


class Ruleset:
    """A compiled set of rules; evaluate() is pure and safe to call from many threads at once."""

    def __init__(
        self,
        rules: tuple[Rule, ...],
        settings: Settings,
        version: str,
        compiled: Compiled,
        files: tuple[str, ...] = (),
        policy: str = DEFAULT_POLICY,
    ):
        self.rules = rules
        self.settings = settings
        self.version = version
        self.files = files
        self.compiled = compiled
        self.policy = policy
        # The compiler of these rules, kept so that a site's overlay compiles only its own rules (set by the loader).
        self.grammar: Any = None
        # Rules by the index their entries name; an overlay keeps the shared rules' indices and skips those it disables.
        self._slots = rules
        self._disabled: frozenset[int] = frozenset()
        self.entries: list[Entry] = []
        self._need_memo: dict[int, int] = {}
        self._patterns: list[tuple[int, Any, int, int]] = []
        self._detector_rules: list[int] = []
        self._by_bit: dict[int, list[int]] = defaultdict(list)
        for index, rule in enumerate(rules):
            self._add_rule(index, rule)
        for symbol in settings.allow:
            self._add(-1, ALLOW, symbol)
        for symbol in settings.mentions:
            self._add(-1, MENTION, symbol)
        for number in range(len(self.entries)):
            self._index(number)
        self._keyed: dict[int, tuple[int, ...]] = {}
        self._pattern_set = self._compile_pattern_set()

    def overlay(
        self,
        policy: str,
        version: str,
        settings: Settings,
        compiled: Compiled,
        changed: dict[int, Rule],
        disabled: frozenset[int],
        extra: tuple[Rule, ...],
    ) -> Ruleset:
        """A site's ruleset on top of this one: shared entries and index reused, only the extra rules' entries added.

        `changed` replaces shared rules by index (a site's shadow mode), `disabled` are indices that never fire.
        """
        site = object.__new__(Ruleset)
        site.__dict__.update(self.__dict__)
        slots = list(self._slots)
        for index, rule in changed.items():
            slots[index] = rule
        site._slots = (*slots, *extra)
        site._disabled = disabled
        site.rules = tuple(rule for index, rule in enumerate(site._slots) if index not in disabled)
        site.settings, site.version, site.compiled, site.policy = settings, version, compiled, policy
        site.files = (*self.files, *(rule.location.file for rule in extra if rule.location.file not in self.files))
        site.grammar = None
        site.entries = list(self.entries)
        site._need_memo = dict(self._need_memo)
        site._patterns = list(self._patterns)
        site._detector_rules = [index for index in self._detector_rules if index not in disabled]
        site._by_bit = defaultdict(list, self._by_bit)  # lists are copied only where an extra entry lands (_index)
        first_entry = len(site.entries)
        for index, rule in enumerate(extra, start=len(self._slots)):
            site._add_rule(index, rule)
        for number in range(first_entry, len(site.entries)):
            site._index(number, copy=True)
        site._keyed = {}
        site._pattern_set = site._compile_pattern_set() if len(site._patterns) > len(self._patterns) else self._pattern_set
        return site

    def _add_rule(self, index: int, rule: Rule) -> None:
        if rule.detectors:
            self._detector_rules.append(index)
        for symbol in rule.templates:
            self._add(index, HIT, symbol)
        for label, symbol in enumerate(rule.unless):
            self._add(index, EXCEPTION, symbol, label=label)
        for label, cue in enumerate(rule.unless_near, start=len(rule.unless)):
            self._add(index, NEAR, cue.words, cue.window, label, cue.of)
        self._patterns.extend((index, pattern, HIT, -1) for pattern in rule.patterns)
        first = len(rule.unless) + len(rule.unless_near)
        self._patterns.extend((index, pattern, EXCEPTION, first + number) for number, pattern in enumerate(rule.unless_patterns))

    def _add(self, rule: int, kind: int, symbol: Sym, window: int = 0, label: int = -1, of: frozenset[str] = frozenset()) -> None:
        anchored = isinstance(symbol, Series) and symbol.elements[0][0] == START
        rarity = self.compiled.rarity
        needs = required_masks(symbol, lambda mask: _odds(mask, rarity), self._need_memo)
        self.entries.append(Entry(rule, kind, symbol, needs, anchored, window, label, of=of))

    def _index(self, number: int, copy: bool = False) -> None:
        """Index an entry under the rarest word set it needs: most comments hold none of them."""
        rarity, lengths = self.compiled.rarity, self.compiled.lengths
        entry = self.entries[number]
        key = min(entry.needs, key=lambda mask: _odds(mask, rarity))
        for bit in _bits(key):
            if copy:  # an overlay's index shares the shared lists: copy one before adding to it
                self._by_bit[bit] = [*self._by_bit.get(bit, ()), number]
            else:
                self._by_bit[bit].append(number)
        if key != entry.symbol.first and lengths:
            # In a long comment every word may be present somewhere: a start counts only near its key.
            self.entries[number] = replace(entry, key=key, reach=entry.symbol.reach(lengths))

    def _compile_pattern_set(self) -> Any:
        # All patterns in one RE2 set: one linear scan tells which (usually none) need their spans found.
        if not self._patterns:
            return None
        options = re2.Options()
        options.max_mem = 64 << 20
        pattern_set = re2.Set.SearchSet(options)
        for _rule, pattern, _kind, _label in self._patterns:
            pattern_set.Add(pattern.pattern)
        pattern_set.Compile()
        return pattern_set

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_pattern_set"], state["_keyed"] = None, {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._pattern_set = self._compile_pattern_set()

    def _candidates(self, chart: Chart) -> list[int]:
        """Entries keyed by a word set the comment holds and whose every needed word set is present."""
        keyed, by_bit = self._keyed, self._by_bit
        found: set[int] = set()
        for mask in chart.by_mask:
            entries = keyed.get(mask)
            if entries is None:
                hits: set[int] = set()
                for bit in _bits(mask):
                    hits.update(by_bit.get(bit, ()))
                entries = tuple(hits)
                if len(keyed) >= _MEMO_LIMIT:
                    keyed.clear()
                keyed[mask] = entries
            found.update(entries)
        present, all_entries = chart.present, self.entries
        kept = []
        for number in found:
            for need in all_entries[number].needs:
                if not present & need:
                    break
            else:
                kept.append(number)
        kept.sort()
        return kept

    def _matches(self, chart: Chart, entry: Entry) -> list[tuple[int, int]]:
        """Token spans of an entry's longest match at each position where it can start."""
        symbol, lattice = entry.symbol, chart.lattice
        spans = []
        starts = chart.starts(symbol.first)
        if entry.key and len(starts) > 1:
            starts = near_keys(starts, chart.starts(entry.key), entry.reach)
        for start in starts:
            if entry.anchored and not lattice.sentence_start(start):
                continue
            ends = chart.ends(symbol, start)
            if ends:
                spans.append((start, max(ends)))
        return spans

    def lattice(self, folded: FoldedText) -> Lattice:
        """The token lattice of a folded comment (tokens, other readings, sentences, quotations)."""
        return build_lattice(folded, self.compiled.speller, self.compiled.letters, self._useful)

    def _useful(self, forms: tuple[str, ...]) -> bool:
        """True when some phrase of the rules starts with one of these spellings (the trie's memo answers)."""
        mask, onward = self.compiled.root.step(forms, self.settings.safe_words)
        return bool(mask or onward)

    def rule_spans(self, folded: FoldedText) -> dict[int, list[Span]]:
        """Folded-text spans of every rule that fired, after exceptions and allowed phrases."""
        return self._rule_spans(folded)[0]

    def _rule_spans(self, folded: FoldedText, trace: Trace | None = None) -> tuple[dict[int, list[Span]], bool, int]:
        lattice = self.lattice(folded)
        chart = Chart(lattice, self.compiled.root, self.settings.safe_words, self.compiled.modifier, WORK_BUDGET, self.compiled.capitalized)
        found: dict[int, list[Span]] = defaultdict(list)
        exhausted = False
        candidates = self._candidates(chart)
        later = []
        try:
            for number in candidates:
                entry = self.entries[number]
                if entry.kind != HIT:
                    later.append(entry)
                    continue
                for start, end in self._matches(chart, entry):
                    found[entry.rule].append(lattice.char_span(start, end))
        except WorkBudgetError:
            exhausted = True
        exceptions: dict[int, list[Span]] = defaultdict(list)
        self._pattern_spans(folded.text, found, exceptions, trace)
        if self._detector_rules:
            detected: dict[str, list[Span]] = {}
            for rule_index in self._detector_rules:
                for name in self._slots[rule_index].detectors:
                    if name not in detected:
                        detected[name] = DETECTORS[name](folded.text, self.settings.allowed_domains)
                    if detected[name]:
                        found[rule_index].extend(detected[name])
        for rule_index in self._disabled.intersection(found):  # a site's disabled rules: matched as shared, never fired
            del found[rule_index]
        if not found:
            return {}, exhausted, chart.filled + chart.steps  # most comments: no exception is even tried
        # Exceptions, cue words, allowed phrases and mention frames matter only for the rules that hit.
        cues: dict[int, list[Cue]] = defaultdict(list)
        allowed: list[Span] = []
        mentions: dict[int, int] = {}
        mentioned = any(self._slots[rule].unless_mentioned for rule in found)
        try:
            for entry in later:
                kind = entry.kind
                if (kind in (EXCEPTION, NEAR) and entry.rule not in found) or (kind == MENTION and not mentioned):
                    continue
                for start, end in self._matches(chart, entry):
                    if kind == EXCEPTION:
                        exceptions[entry.rule].append(lattice.char_span(start, end))
                        if trace is not None:
                            trace.spans[entry.rule].append((lattice.char_span(start, end), entry.label))
                    elif kind == NEAR:
                        cues[entry.rule].append((start, end, entry.window, entry.of))
                        if trace is not None:
                            trace.cues[entry.rule].append(((start, end, entry.window, entry.of), entry.label))
                    elif kind == ALLOW:
                        allowed.append(lattice.char_span(start, end))
                    else:
                        sentence = lattice.sentence[start]
                        mentions[sentence] = min(start, mentions.get(sentence, start))
        except WorkBudgetError:
            exhausted = True
        fired = self._filter(lattice, found, exceptions, cues, SpanSet(allowed), mentions, trace)
        return fired, exhausted, chart.filled + chart.steps

    def _pattern_spans(self, text: str, found: dict[int, list[Span]], exceptions: dict[int, list[Span]], trace: Trace | None) -> None:
        if self._pattern_set is None:
            return
        for number in sorted(self._pattern_set.Match(text) or ()):
            rule_index, pattern, kind, label = self._patterns[number]
            spans = [match.span() for match in pattern.finditer(text) if match.end() > match.start()]
            (found if kind == HIT else exceptions)[rule_index].extend(spans)
            if trace is not None and kind == EXCEPTION:
                trace.spans[rule_index].extend((span, label) for span in spans)

    def _filter(
        self,
        lattice: Lattice,
        found: dict[int, list[Span]],
        exceptions: dict[int, list[Span]],
        cues: dict[int, list[Cue]],
        allowed: SpanSet,
        mentions: dict[int, int],
        trace: Trace | None = None,
    ) -> dict[int, list[Span]]:
        """Drop hits that an exception overlaps, an allowed phrase holds, a quotation, a mention or a cue word cancels."""
        quoted = self._quotations(lattice)
        fired: dict[int, list[Span]] = {}
        for rule_index, spans in found.items():
            rule = self._slots[rule_index]
            own = SpanSet(exceptions.get(rule_index, ()))
            if trace is not None:
                trace.record(rule_index, lattice, spans, cues.get(rule_index, ()))
            kept = [span for span in set(spans) if not own.overlaps(span) and not allowed.contains(span)]
            if quoted and rule.unless_quoted:
                kept = [span for span in kept if not quoted.contains(span)]
            if mentions and rule.unless_mentioned:
                kept = [span for span in kept if not mentioned(lattice, span, mentions)]
            if rule_index in cues:
                kept = [span for span in kept if not near(lattice, span, cues[rule_index])]
            kept = outermost(kept)
            if len(kept) >= rule.min_matches:
                fired[rule_index] = kept
        return fired

    @staticmethod
    def _quotations(lattice: Lattice) -> SpanSet | None:
        """The quotations, when the comment has words of its own outside them (someone reporting what was said)."""
        if not lattice.quotes:
            return None
        spans = SpanSet(lattice.quotes)
        outside = sum(1 for start, end in zip(lattice.starts, lattice.ends, strict=True) if not spans.contains((start, end)))
        return spans if outside >= MIN_WORDS_OUTSIDE_QUOTES else None

    def assess(self, text: str) -> Assessment:
        """Evaluate a comment and keep every detail (for explanations and rule tests)."""
        folded = fold(text)
        fired, exhausted, work = self._rule_spans(folded)
        hits: list[Reason] = []
        scores: dict[str, float] = defaultdict(float)
        for rule_index in sorted(fired):
            rule = self._slots[rule_index]
            matches = []
            for start, end in fired[rule_index]:
                original_start, original_end = folded.original_span(start, end)
                matches.append(Match(original_start, original_end, text[original_start:original_end]))
            hits.append(Reason(rule.id, rule.category, rule.subcategory, rule.message, rule.mode, rule.score, tuple(matches)))
            if rule.mode == "enforce":
                scores[rule.category] += rule.score
        rejected = tuple(c for c in CATEGORIES if scores.get(c, 0.0) >= self.settings.threshold(c))
        reasons = tuple(hit for hit in hits if hit.mode == "shadow" or hit.category in rejected)
        decision = Decision("reject" if rejected else "approve", rejected, reasons, self.version, exhausted, self.policy)
        return Assessment(folded.text, tuple(hits), dict(scores), decision, work)

    def evaluate(self, text: str) -> Decision:
        """Decide on one comment: approve or reject, with the reasons."""
        return self.assess(text).decision

    def fired_rule_ids(self, text: str) -> set[str]:
        """Ids of the rules that fire on a text, whatever the thresholds (used to check examples)."""
        return {self._slots[index].id for index in self.rule_spans(fold(text))}

    def exceptions_used(self, text: str) -> dict[str, set[str]]:
        """For each rule, the exceptions (as written) that cancelled one of its hits in this text (for the lint)."""
        trace = Trace()
        self._rule_spans(fold(text), trace)
        rules = self._slots
        return {rules[index].id: {rules[index].exception_texts[label] for label in labels} for index, labels in trace.used.items()}


def _bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _odds(mask: int, rarity: tuple[float, ...]) -> float:
    """How likely a comment is to hold a word of one of these word sets (estimated from word frequencies)."""
    return sum(rarity[bit] for bit in _bits(mask) if bit < len(rarity))
