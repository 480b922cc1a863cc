"""Site overlays (rules/sites/<site>.yml): one site's changes compiled on top of the shared ruleset, not beside it.

An overlay's extra rules are compiled by a copy of the shared compiler that shares every compiled
lexicon and the shared phrase trie; only the overlay's new phrases go into a small trie of its own,
looked up together with the shared one. The shared rules' entries and index are reused as they are.
"""

from __future__ import annotations

import copy
import hashlib
import re
import weakref
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from .budgets import LIMITS
from .compiled import Compiled, letters_automaton
from .errors import ErrorKind, RuleError, RuleSetError
from .examples import failing_examples
from .files import SITES_DIR, SUFFIXES, RuleFiles
from .grammar import Grammar, Report, RootNode
from .loader import RuleLoader, _item_line
from .model import CATEGORIES, Rule, Settings
from .normalize import fold
from .rarity import word_set_odds
from .ruleset import DEFAULT_POLICY, Ruleset
from .schemas import SiteRuleSchema, SiteSchema
from .trie import LayeredRoot
from .wordlist import function_words
from .yamlsource import LineDict

SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def site_files(directory: str | Path) -> list[Path]:
    """The overlay files of a rule directory: sites/*.yml and *.yaml (a README or other file there is not read)."""
    folder = Path(directory) / SITES_DIR
    return sorted(path for path in folder.glob("*.y*ml") if path.suffix in SUFFIXES and path.is_file())


def fork_grammar(base: Grammar, report: Report) -> Grammar:
    """A compiler that continues from `base`: same lexicons and word-set bits, new phrases in a trie of its own."""
    grammar = copy.copy(base)
    grammar.report = report
    grammar.root = RootNode()
    grammar.word_sets = list(base.word_sets)
    grammar.no_typos = set(base.no_typos)
    grammar.names = set(base.names)
    grammar._bits = dict(base._bits)
    grammar._by_mask = dict(base._by_mask)
    grammar._lexicons = dict(base._lexicons)
    grammar._resolving = []
    return grammar


class SiteLoader(RuleLoader):
    """Compiles one overlay file against a loaded shared ruleset; errors are located like the shared files' errors."""

    def __init__(self, shared: Ruleset, directory: str | Path, check_examples: bool = True, shown_as: str | None = None):
        super().__init__(directory, check_examples, shown_as=shown_as)
        if shared.grammar is None:
            raise ValueError("the shared ruleset was loaded without its compiler")
        self.shared = shared
        self._grammar = fork_grammar(shared.grammar, self.errors.add)

    def load_site(self, path: Path, data: bytes | None = None) -> Ruleset | None:
        """The site's ruleset (from `data`, the file's bytes when already read), or None with the errors in self.errors."""
        site = path.stem
        relative = path.relative_to(self.directory).as_posix()
        data = path.read_bytes() if data is None else data
        self._source = RuleFiles({relative: data}, hashlib.sha256(relative.encode() + b"\0" + data + b"\0").hexdigest())
        if not SITE_NAME.match(site) or site == DEFAULT_POLICY:
            message = f"site name {site!r}: use lowercase letters, digits, '-' and '_' (and not {DEFAULT_POLICY!r})"
            self.errors.add(message, relative, 1, kind=ErrorKind.LAYOUT)
            return None
        document = self._read(relative)
        if document is None:
            return None
        if not isinstance(document, LineDict):
            message = "a site file is a mapping of disable, shadow, thresholds, allowed_domains, safe_words and rules"
            self.errors.add(message, relative, 1, kind=ErrorKind.LAYOUT)
            return None
        self._report_duplicates(document, relative)
        try:
            loaded = SiteSchema().load(document)
        except ValidationError as error:
            self.errors.marshmallow(error, relative, document)
            loaded = None
        rules = document.get("rules")
        # The rules are checked even when another key is wrong: every error of the file at once.
        extra = self._site_rules(site, rules if isinstance(rules, list) else [], relative)
        if loaded is None:
            return None
        disabled = self._resolve(loaded["disable"], document, "disable", relative)
        shadowed = self._resolve(loaded["shadow"], document, "shadow", relative)
        if self.errors.errors:
            return None
        shared = self.shared
        changed = {index: replace(shared.rules_by_index[index], mode="shadow") for index in shadowed - disabled}
        settings = self._settings(loaded)
        version = hashlib.sha256(f"{shared.version}\0{site}\0{self._source.digest}".encode()).hexdigest()[:12]
        ruleset = shared.overlay(site, version, settings, self._site_compiled(settings), changed, frozenset(disabled), tuple(extra))
        if self.check_examples:
            self._check_site_examples(ruleset, extra)
        return None if self.errors.errors else ruleset

    def _resolve(self, entries: list[str], document: LineDict, key: str, file: str) -> set[int]:
        """Indices of the shared rules that rule ids or whole categories name; an unknown one is refused at its line."""
        indices: set[int] = set()
        by_id = {rule.id: index for index, rule in enumerate(self.shared.rules_by_index)}
        for position, entry in enumerate(entries):
            line = _item_line(document.get(key), position)
            if entry in CATEGORIES:
                indices.update(index for index, rule in enumerate(self.shared.rules_by_index) if rule.category == entry)
            elif entry in by_id:
                indices.add(by_id[entry])
            elif "/" in entry:
                message = f"{key}: unknown rule id {entry!r} (rule ids are written file/id, as in 'promotion/check-out')"
                self.errors.add(message, file, line, kind=ErrorKind.BAD_VALUE, key=key)
            else:
                message = f"{key}: unknown category {entry!r} (categories: {', '.join(CATEGORIES)})"
                self.errors.add(message, file, line, kind=ErrorKind.BAD_VALUE, key=key)
        return indices

    def _site_rules(self, site: str, raw_rules: Any, file: str) -> list[Rule]:
        rules: list[Rule] = []
        seen: dict[str, int | None] = {}
        for position, raw in enumerate(raw_rules):
            line = _item_line(raw_rules, position)
            if not isinstance(raw, LineDict):
                message = "each rule is a mapping with id, category, message, what it matches and examples"
                self.errors.add(message, file, line, kind=ErrorKind.LAYOUT)
                continue
            rule_id = f"{SITES_DIR}/{site}/{raw.get('id')}"
            try:
                data = SiteRuleSchema().load(raw)
            except ValidationError as error:
                self.errors.marshmallow(error, file, raw, rule_id)
                continue
            if rule_id in seen:
                message = f"duplicate rule id {rule_id!r} (first defined at {file}:{seen[rule_id]})"
                self.errors.add(message, file, raw.line, rule_id, ErrorKind.DUPLICATE_ID)
                continue
            seen[rule_id] = raw.line
            rule = self._compile_rule(data, raw, {"category": data["category"]}, file, rule_id)
            if rule is not None:
                rules.append(rule)
        if len(rules) > LIMITS.rules:
            self.errors.add(f"{len(rules)} rules: at most {LIMITS.rules}", file, kind=ErrorKind.LIMIT)
        return rules

    def _settings(self, data: dict[str, Any]) -> Settings:
        """The shared settings with the site's thresholds over them and its domains and safe words added."""
        shared = self.shared.settings
        safe = shared.safe_words | frozenset(fold(word).text for word in data["safe_words"])
        return replace(
            shared,
            thresholds={**shared.thresholds, **data["thresholds"]},
            allowed_domains=shared.allowed_domains | frozenset(data["allowed_domains"]),
            safe_words=safe,
        )

    def _site_compiled(self, settings: Settings) -> Compiled:
        """The shared compiled parts, extended only where the site adds phrases or safe words."""
        base = self.shared.compiled
        grammar = self.grammar
        added_sets = grammar.word_sets[len(base.rarity) :]
        extra_safe = settings.safe_words - self.shared.settings.safe_words
        if not added_sets and not extra_safe:
            return base
        vocabulary = {word.strip("*") for phrases in added_sets for phrase in phrases for word in phrase if " " not in word}
        new_words = vocabulary - base.speller.vocabulary
        speller = base.speller
        if new_words or extra_safe:
            speller = base.speller.extended(new_words, grammar.no_typos, grammar.names, extra_safe, function_words())
        letters = letters_automaton(speller.vocabulary) if new_words else base.letters
        lengths = (*base.lengths, *(max(len(phrase) for phrase in phrases) for phrases in added_sets))
        return replace(
            base,
            root=LayeredRoot(base.root, grammar.root),
            speller=speller,
            letters=letters,
            rarity=(*base.rarity, *word_set_odds(added_sets)),
            lengths=lengths,
            capitalized=grammar.capitalized_bit(),
        )

    def _check_site_examples(self, ruleset: Ruleset, extra: list[Rule]) -> None:
        """The examples of the site's own rules, run with the site's ruleset (the shared rules' ran at their load)."""
        for failure in failing_examples(ruleset, extra):
            rule = failure.rule
            self.errors.add(failure.message, rule.location.file, rule.location.line, rule.id, failure.kind)


@dataclass(frozen=True)
class Policies:
    """The shared ruleset and each site's overlay ruleset, loaded together and swapped together."""

    shared: Ruleset
    sites: dict[str, Ruleset] = field(default_factory=dict)

    def for_site(self, site: str | None) -> Ruleset:
        """The ruleset of a comment's site: its overlay, or the shared rules for no site or a site without one."""
        if not site:
            return self.shared
        return self.sites.get(site.strip().lower(), self.shared)


# Compiled overlays of each shared ruleset, by file and content: a reload that changes one overlay compiles only
# that one. Keyed weakly by the shared ruleset, so that overlays go when their shared rules are no longer used.
_COMPILED_SITES: weakref.WeakKeyDictionary[Ruleset, dict[tuple[str, str, bool], Ruleset]] = weakref.WeakKeyDictionary()
_COMPILED_SITES_MAX = 256


def load_sites(
    shared: Ruleset, directory: str | Path, check_examples: bool = True, reuse: bool = True, shown_as: str | None = None
) -> Policies:
    """Every overlay of a rule directory compiled on `shared`; raises RuleSetError with the errors of all of them."""
    sites: dict[str, Ruleset] = {}
    errors: list[RuleError] = []
    compiled = _COMPILED_SITES.setdefault(shared, {}) if reuse else {}
    for path in site_files(directory):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed since the listing: the directory as it is now has no such site
            continue
        key = (path.name, hashlib.sha256(data).hexdigest(), check_examples)
        ruleset = compiled.get(key)
        if ruleset is None:
            loader = SiteLoader(shared, directory, check_examples, shown_as)
            ruleset = loader.load_site(path, data)
            errors.extend(loader.errors.errors)
            if ruleset is not None and reuse:
                if len(compiled) >= _COMPILED_SITES_MAX:
                    compiled.pop(next(iter(compiled)))
                compiled[key] = ruleset
        if ruleset is not None:
            sites[path.stem] = ruleset
    if errors:
        raise RuleSetError(errors)
    return Policies(shared, sites)
