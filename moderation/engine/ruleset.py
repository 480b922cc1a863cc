"""An immutable, compiled ruleset snapshot and the pure function that evaluates a comment against it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .chart import Chart, WorkBudgetError
from .compiled import Compiled, Entry, EntryKind
from .detectors import DETECTORS, Span
from .index import RulesetIndex, chained, in_order
from .lattice import Lattice, build_lattice, scanner_for
from .model import CATEGORIES, Assessment, Decision, Match, Reason, Rule, Settings
from .normalize import FoldedText, fold
from .passes import Gathered, surviving
from .proximity import Trace, near_keys
from .symbols import next_symbol_id, reserve_symbol_ids

HIT, EXCEPTION, NEAR, ALLOW, MENTION = EntryKind  # read per candidate: module globals, not enum attribute look-ups
# Matching steps a comment may use: far above what any ordinary comment needs (a few thousand).
WORK_BUDGET = 400_000
# The policy of comments with no site, or a site with no overlay: the shared rules.
DEFAULT_POLICY = "default"


class Ruleset:
    """A compiled set of rules; evaluate() is pure and safe to call from many threads at once.

    Nothing a comment's evaluation reads is changed after construction, except memos of pure functions
    (the index's candidates by chart mask, the scanner's raw tokens, the trie's steps): plain dicts that
    under the GIL stay consistent when threads race, where a lost entry is only computed again.
    """

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
        self._by_index = rules
        self._disabled: frozenset[int] = frozenset()
        self.index = RulesetIndex.build(rules, settings, compiled)
        self._scanner = scanner_for(compiled.speller)

    @property
    def rules_by_index(self) -> tuple[Rule, ...]:
        """Every rule by the index its entries name, a site's disabled ones too (`rules` leaves those out)."""
        return self._by_index

    @property
    def entries(self) -> list[Entry]:
        """Every entry the ruleset looks for (templates, exceptions, cues, allowed phrases, mention frames)."""
        return self.index.entries

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
        by_index = list(self._by_index)
        for number, rule in changed.items():
            by_index[number] = rule
        site._by_index = (*by_index, *extra)
        site._disabled = disabled
        site.rules = tuple(rule for number, rule in enumerate(site._by_index) if number not in disabled)
        site.settings, site.version, site.compiled, site.policy = settings, version, compiled, policy
        site.files = (*self.files, *(rule.location.file for rule in extra if rule.location.file not in self.files))
        site.grammar = None
        site.index = self.index.extended(compiled, enumerate(extra, start=len(self._by_index)), disabled)
        if compiled.speller is not self.compiled.speller:
            site._scanner = scanner_for(compiled.speller)
        return site

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_scanner"]  # a memo: rebuilt empty
        state["_symbol_ids"] = next_symbol_id()  # above every symbol id it holds
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A site's symbols compiled on these rules must not reuse their ids: memos are keyed by them.
        reserve_symbol_ids(state.pop("_symbol_ids", 0))
        self.__dict__.update(state)
        self._scanner = scanner_for(self.compiled.speller)

    def lattice(self, folded: FoldedText) -> Lattice:
        """The token lattice of a folded comment (tokens, other readings, sentences, quotations)."""
        return build_lattice(folded, self.compiled.speller, self.compiled.letters, self._useful, self._scanner)

    def _useful(self, forms: tuple[str, ...]) -> bool:
        """True when some phrase of the rules starts with one of these spellings (the trie's memo answers)."""
        mask, onward = self.compiled.root.step(forms, self.settings.safe_words)
        return bool(mask or onward)

    def rule_spans(self, folded: FoldedText) -> dict[int, list[Span]]:
        """Folded-text spans of every rule that fired, after exceptions and allowed phrases."""
        return self._rule_spans(folded)[0]

    def _rule_spans(
        self, folded: FoldedText, trace: Trace | None = None, only: int | None = None
    ) -> tuple[dict[int, list[Span]], bool, int]:
        """The passes: templates, patterns and detectors; then, for the rules that hit, their exceptions; then the filter.

        `only`: the entries of that rule alone, with the allowed phrases and mention frames (an example's check).
        """
        lattice = self.lattice(folded)
        chart = Chart(lattice, self.compiled.root, self.settings.safe_words, self.compiled.modifier, WORK_BUDGET)
        gathered = Gathered(trace)
        hits = gathered.hits
        exhausted = False
        entries = self.index.entries
        later = []
        try:
            for number in self.index.candidates(chart, None if only is None else self.index.of_rule(only)):
                entry = entries[number]
                if entry.kind != HIT:
                    later.append(entry)
                    continue
                for start, end in self._matches(chart, entry):
                    hits[entry.rule].append(lattice.char_span(start, end))
        except WorkBudgetError:
            exhausted = True
        self._pattern_spans(folded.text, gathered, only)
        self._detect(folded.text, hits, only)
        for rule_index in self._disabled.intersection(hits):  # a site's disabled rules: matched as shared, never fired
            del hits[rule_index]
        if not hits:
            return {}, exhausted, chart.filled + chart.steps  # most comments: no exception is even tried
        try:
            self._exceptions(chart, later, gathered)
        except WorkBudgetError:
            exhausted = True
        return surviving(lattice, self._by_index, gathered), exhausted, chart.filled + chart.steps

    def _matches(self, chart: Chart, entry: Entry) -> list[tuple[int, int]]:
        """Token spans of an entry's longest match at each position where it can start."""
        lists = None
        if entry.ordered:
            lists = in_order(chart, entry.needs)
            if lists is None:
                return []
        symbol, lattice = entry.symbol, chart.lattice
        spans = []
        starts = chart.starts(symbol.first)
        if entry.key and len(starts) > 1:
            starts = near_keys(starts, chart.starts(entry.key), entry.reach)
        sentence = chart.sentence if lists is not None else []
        for start in starts:
            if entry.anchored and not lattice.sentence_start(start):
                continue
            if lists is not None and not chained(lists, sentence, start):
                continue
            ends = chart.ends(symbol, start)
            if ends:
                spans.append((start, max(ends)))
        return spans

    def _exceptions(self, chart: Chart, later: list[Entry], gathered: Gathered) -> None:
        """Exceptions, cue words, allowed phrases and mention frames: matched only for the rules that hit."""
        lattice, hits = chart.lattice, gathered.hits
        mentioned = any(self._by_index[rule].unless_mentioned for rule in hits)
        for entry in later:
            kind = entry.kind
            if (kind in (EXCEPTION, NEAR) and entry.rule not in hits) or (kind == MENTION and not mentioned):
                continue
            for start, end in self._matches(chart, entry):
                if kind == EXCEPTION:
                    gathered.exception(entry.rule, lattice.char_span(start, end), entry.label)
                elif kind == NEAR:
                    gathered.cue(entry.rule, (start, end, entry.window, entry.of), entry.label)
                elif kind == ALLOW:
                    gathered.allowed.append(lattice.char_span(start, end))
                else:
                    gathered.mention(lattice.sentence[start], start)

    def _pattern_spans(self, text: str, gathered: Gathered, only: int | None = None) -> None:
        """RE2 patterns: hits, and exceptions (`unless_patterns`) of any rule (cheap: one set scan, usually no match)."""
        for rule_index, pattern, kind, label in self.index.matching_patterns(text):
            if only is not None and rule_index != only:
                continue
            spans = [match.span() for match in pattern.finditer(text) if match.end() > match.start()]
            if kind == HIT:
                gathered.hits[rule_index].extend(spans)
            else:
                for span in spans:
                    gathered.exception(rule_index, span, label)

    def _detect(self, text: str, hits: dict[int, list[Span]], only: int | None = None) -> None:
        """Detectors (links, phones, ...) for the rules that use them, each detector run once."""
        detected: dict[str, list[Span]] = {}
        for rule_index in self.index.detector_rules:
            if only is not None and rule_index != only:
                continue
            for name in self._by_index[rule_index].detectors:
                if name not in detected:
                    detected[name] = DETECTORS[name](text, self.settings.allowed_domains)
                if detected[name]:
                    hits[rule_index].extend(detected[name])

    def assess(self, text: str) -> Assessment:
        """Evaluate a comment and keep every detail (for explanations and rule tests)."""
        folded = fold(text)
        fired, exhausted, work = self._rule_spans(folded)
        hits: list[Reason] = []
        scores: dict[str, float] = defaultdict(float)
        for rule_index in sorted(fired):
            rule = self._by_index[rule_index]
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
        return {self._by_index[index].id for index in self.rule_spans(fold(text))}

    def fires(self, rule_index: int, text: str) -> bool:
        """True when the rule of this index fires on a text, whatever the thresholds (as in fired_rule_ids).

        Only that rule's entries are matched: a rule's hits and exceptions do not depend on the other rules',
        except for `paired_within` (a partner's hit) and a work budget spent by all; those are evaluated whole.
        """
        rule = self._by_index[rule_index]
        if rule.paired_within or rule_index in self._disabled:
            return rule.id in self.fired_rule_ids(text)
        fired, exhausted, _work = self._rule_spans(fold(text), only=rule_index)
        if exhausted:
            return rule.id in self.fired_rule_ids(text)
        return rule_index in fired

    def exceptions_used(self, text: str) -> dict[str, set[str]]:
        """For each rule, the exceptions (as written) that cancelled one of its hits in this text (for the lint)."""
        trace = Trace()
        self._rule_spans(fold(text), trace)
        rules = self._by_index
        return {rules[index].id: {rules[index].exception_texts[label] for label in labels} for index, labels in trace.used.items()}
