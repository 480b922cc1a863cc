"""Load a rule directory into a Ruleset, reporting every error at once with file, line and rule id."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from marshmallow import Schema, ValidationError

from .budgets import LIMITS, compile_pattern
from .collector import Collector as _Collector
from .collector import flatten_messages
from .compiled import Compiled, letters_automaton
from .errors import ErrorKind, RuleError, RuleSetError
from .examples import failing_examples
from .files import LEXICON_DIR, SETTINGS_FILE, RuleFiles, read_rule_files
from .grammar import Grammar, LexiconSpec
from .lexicon_files import better_profanity_words, lexicon_specs
from .model import SUBCATEGORIES, Examples, NearCue, Rule, Settings, SourceLocation
from .normalize import fold
from .rarity import word_set_odds
from .ruleset import Ruleset
from .schemas import LexiconSchema, RuleFileSchema, RuleSchema, SettingsSchema
from .spelling import Speller
from .symbols import Sym
from .syntax import TemplateError, forget_parses
from .trie import share_subtries
from .wordlist import KNOWN_WORDS, common_words, function_words, known_words, ordinary_words
from .yamlsource import LineDict, LineList, YAMLBudgetError, load_yaml

__all__ = ["LEXICON_DIR", "SETTINGS_FILE", "RuleLoader", "better_profanity_words"]


@cache
def _schema(kind: type[Schema]) -> Schema:
    """One instance of each schema: making one copies all its fields, and loading changes nothing in it."""
    return kind()


def _item_line(node: Any, index: int) -> int | None:
    if isinstance(node, LineList):
        return node.line_of(index)
    return getattr(node, "line", None)


class RuleLoader:
    """Reads one rule directory; load() returns a Ruleset or raises RuleSetError with every error."""

    def __init__(self, directory: str | Path, check_examples: bool = True, files: RuleFiles | None = None, shown_as: str | None = None):
        """`files`: the directory's files already read (else load() reads them); `shown_as`: the directory's name in errors."""
        self.directory = Path(directory)
        self.check_examples = check_examples
        self.shown_as = shown_as or str(self.directory)
        self.errors = _Collector()
        self._given = files
        self._source = RuleFiles({}, "")
        self._files: list[str] = []
        self._grammar: Grammar | None = None
        self._chat_spellings: dict[str, str] = {}
        self._entries = 0
        self._pattern_program = [0]

    def _read(self, relative: str) -> Any:
        data = self._source.contents[relative]
        self._files.append(relative)
        try:
            return load_yaml(data.decode("utf-8"))
        except UnicodeDecodeError as error:
            self.errors.add(f"not valid UTF-8 at byte {error.start}", relative)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            line = mark.line + 1 if mark else None
            if isinstance(error, YAMLBudgetError):
                self.errors.add(problem, relative, line, kind=ErrorKind.LIMIT)
            else:
                self.errors.add(f"YAML syntax error: {problem}", relative, line, kind=ErrorKind.YAML_SYNTAX)
        return None

    def _report_duplicates(self, node: Any, file: str) -> None:
        if isinstance(node, LineDict):
            for key, line in node.duplicates:
                self.errors.add(f"key {key!r} is written twice", file, line, kind=ErrorKind.DUPLICATE_KEY)
            for value in node.values():
                self._report_duplicates(value, file)
        elif isinstance(node, list):
            for value in node:
                self._report_duplicates(value, file)

    @property
    def grammar(self) -> Grammar:
        """The compiler of this load (made by load())."""
        assert self._grammar is not None
        return self._grammar

    def load(self) -> Ruleset:
        """Compile the directory; raise RuleSetError listing every problem found."""
        try:
            return self._load()
        finally:
            forget_parses()  # the parse memos serve one compile; a long-lived process keeps none of it

    def _load(self) -> Ruleset:
        if not self.directory.is_dir():
            raise RuleSetError([RuleError(f"rule directory {self.shown_as} does not exist", kind=ErrorKind.LAYOUT)])
        self._source = self._given or read_rule_files(self.directory)
        self._grammar = Grammar(self._load_lexicons(), self.errors.add)
        settings = self._load_settings()
        rules: list[Rule] = []
        seen_ids: dict[str, str] = {}
        rule_files = self._source.rule_files()
        if not rule_files:
            self.errors.add("no rule files (*.yml) in the directory", self.shown_as, kind=ErrorKind.LAYOUT)
        for relative in rule_files:
            for rule in self._load_rule_file(relative):
                if rule.id in seen_ids:
                    self.errors.add(
                        f"duplicate rule id {rule.id!r} (first defined at {seen_ids[rule.id]})",
                        rule.location.file,
                        rule.location.line,
                        rule.id,
                        ErrorKind.DUPLICATE_ID,
                    )
                    continue
                seen_ids[rule.id] = str(rule.location)
                rules.append(rule)
        if len(rules) > LIMITS.rules:
            self.errors.add(f"{len(rules)} rules: at most {LIMITS.rules}", self.shown_as, kind=ErrorKind.LIMIT)
        self._compile_unused_lexicons()
        if self.errors.errors:
            raise RuleSetError(self.errors.errors)
        ruleset = Ruleset(tuple(rules), settings, self._source.digest[:12], self._compiled(settings.safe_words), tuple(self._files))
        ruleset.grammar = self.grammar  # a site overlay compiles its own rules with it
        if self.check_examples:
            self._check_examples(ruleset)
        if self.errors.errors:
            raise RuleSetError(self.errors.errors)
        return ruleset

    def _compiled(self, safe_words: frozenset[str]) -> Compiled:
        grammar = self.grammar
        share_subtries(grammar.root)  # the trie is complete: a site's phrases go into a trie of its own
        vocabulary = grammar.vocabulary()
        ranked = ordinary_words(KNOWN_WORDS)
        speller = Speller(
            vocabulary,
            grammar.no_typos,
            known_words(),
            common_words(),
            grammar.names,
            safe_words,
            function_words(),
            ranked,
            self._chat_spellings,
        )
        modifier = grammar.lexicon("modifier") if grammar.modifiers else None
        lengths = tuple(max(map(len, phrases)) for phrases in grammar.word_sets)
        odds = word_set_odds(grammar.word_sets)
        return Compiled(grammar.root, speller, letters_automaton(vocabulary), modifier, odds, lengths, grammar.capitalized_bit())

    def _compile_unused_lexicons(self) -> None:
        """Compile every lexicon, so that an error in one no rule uses yet is reported too."""
        for name in self.grammar.specs:
            try:
                self.grammar.lexicon(name)
            except TemplateError as error:
                spec = self.grammar.specs[name]
                self.errors.add(str(error), spec.file, spec.line, kind=error.kind)

    def _load_lexicons(self) -> dict[str, LexiconSpec]:
        specs: dict[str, LexiconSpec] = {}
        for relative in self._source.lexicon_files():
            document = self._read(relative)
            if document is None:
                continue
            if not isinstance(document, LineDict):
                self.errors.add("a lexicon file is a mapping of lexicon names to word lists", relative, 1)
                continue
            self._report_duplicates(document, relative)
            for name, raw in document.items():
                line = document.line_of(name)
                if not isinstance(name, str) or not name.replace("_", "a").isalnum() or not name[:1].isalpha() or name != name.lower():
                    self.errors.add(f"lexicon name {name!r}: use lowercase letters, digits and _", relative, line)
                    continue
                if not isinstance(raw, list | dict):
                    self.errors.add(f"lexicon {name!r} must be a list of words or a mapping", relative, line)
                    continue
                data = self._lexicon_data(name, raw, relative, line)
                if data is None:
                    continue
                self._add_chat_spellings(name, data["spellings"], relative, line)
                for spec in lexicon_specs(name, data, relative, line):
                    if spec.name in specs:
                        self.errors.add(f"lexicon {spec.name!r} is already defined in {specs[spec.name].file}", relative, line)
                        continue
                    specs[spec.name] = spec
        return specs

    def _add_chat_spellings(self, name: str, spellings: dict[str, str], file: str, line: int | None) -> None:
        # A contraction must be the chat spelling with its apostrophe ("dont": "don't"): its parts are cut by position.
        for written, read_as in spellings.items():
            if read_as == written or ("'" in read_as and read_as.replace("'", "") != written):
                self.errors.add(f"lexicon {name!r}: {written!r} cannot be read as {read_as!r}", file, line)
            else:
                self._chat_spellings[written] = read_as

    def _lexicon_data(self, name: str, raw: Any, file: str, line: int | None) -> dict[str, Any] | None:
        body = {"words": raw} if isinstance(raw, list) else raw
        try:
            data: dict[str, Any] = _schema(LexiconSchema).load(body)
            return data
        except ValidationError as error:
            if isinstance(raw, LineDict):
                self.errors.marshmallow(error, file, raw)
                return None
            # A plain list: name the lexicon and the line of the offending word.
            for field_name, messages in flatten_messages(error.messages):
                index = field_name.rpartition(".")[2]
                where = _item_line(raw, int(index)) if index.isdigit() else line
                self.errors.add(f"lexicon {name!r}, word {field_name}: {'; '.join(messages)}", file, where)
            return None

    def _load_settings(self) -> Settings:
        if SETTINGS_FILE not in self._source.contents:
            return Settings()
        document = self._read(SETTINGS_FILE)
        if document is None:
            return Settings()
        if not isinstance(document, LineDict):
            self.errors.add("settings.yml must be a mapping", SETTINGS_FILE, 1)
            return Settings()
        self._report_duplicates(document, SETTINGS_FILE)
        try:
            data = _schema(SettingsSchema).load(document)
        except ValidationError as error:
            self.errors.marshmallow(error, SETTINGS_FILE, document)
            return Settings()
        allow = self._templates(data.get("allow", []), document, "allow", SETTINGS_FILE, None)
        mentions = self._templates(data.get("mentions", []), document, "mentions", SETTINGS_FILE, None)
        safe = frozenset(fold(word).text for word in data["safe_words"])
        return Settings(
            data["thresholds"], frozenset(data["allowed_domains"]), safe, tuple(allow), tuple(mentions), tuple(data["languages"])
        )

    def _load_rule_file(self, relative: str) -> list[Rule]:
        document = self._read(relative)
        if document is None:
            return []
        if not isinstance(document, LineDict):
            self.errors.add("a rule file is a mapping with 'category' and 'rules'", relative, 1)
            return []
        self._report_duplicates(document, relative)
        try:
            header = _schema(RuleFileSchema).load(document)
        except ValidationError as error:
            self.errors.marshmallow(error, relative, document)
            return []
        raw_rules = document["rules"]
        rules = []
        for index, raw in enumerate(raw_rules):
            line = _item_line(raw_rules, index)
            if not isinstance(raw, LineDict):
                self.errors.add("each rule is a mapping with id, message, what it matches and examples", relative, line)
                continue
            rule_id = f"{Path(relative).stem}/{raw.get('id')}"
            try:
                data = _schema(RuleSchema).load(raw)
            except ValidationError as error:
                self.errors.marshmallow(error, relative, raw, rule_id)
                continue
            rule = self._compile_rule(data, raw, header, relative, rule_id)
            if rule is not None:
                rules.append(rule)
        return rules

    def _compile_rule(self, data: dict[str, Any], raw: LineDict, header: dict[str, Any], file: str, rule_id: str) -> Rule | None:
        failures_before = len(self.errors.errors)
        category = header["category"]
        subcategory = data.get("subcategory", header.get("subcategory"))
        if subcategory and subcategory not in SUBCATEGORIES.get(category, ()):
            allowed = ", ".join(SUBCATEGORIES.get(category, ())) or "none"
            self.errors.add(
                f"subcategory {subcategory!r} does not belong to {category} (allowed: {allowed})", file, raw.line_of("subcategory"), rule_id
            )
        if len(data.get("templates", [])) > LIMITS.templates_per_rule:
            self.errors.add(
                f"{len(data['templates'])} templates: at most {LIMITS.templates_per_rule} per rule", file, raw.line_of("templates"), rule_id
            )
            return None
        examples_count = len(data["examples"]["reject"]) + len(data["examples"]["approve"])
        if examples_count > LIMITS.examples_per_rule:
            self.errors.add(
                f"{examples_count} examples: at most {LIMITS.examples_per_rule} per rule", file, raw.line_of("examples"), rule_id
            )
        templates: list[Sym] = []
        for key in ("words", "phrases"):
            if data.get(key):
                try:
                    symbol = self.grammar.words(data[key], f"{key} of {rule_id}")
                except TemplateError as error:
                    self.errors.add(f"{key}: {error}", file, raw.line_of(key), rule_id, error.kind)
                    continue
                if symbol is not None:
                    templates.append(symbol)
        modifiers = data["modifiers"]
        templates.extend(self._templates(data.get("templates", []), raw, "templates", file, rule_id, modifiers))
        unless = self._templates(data.get("unless", []), raw, "unless", file, rule_id, modifiers)
        texts = [f"unless: {text}" for text in data.get("unless", [])]
        near: list[NearCue] = []
        for index, cue in enumerate(data.get("unless_near", [])):
            line = _item_line(raw.get("unless_near"), index)
            cue_words = self._templates(cue["words"], raw, "unless_near", file, rule_id, modifiers, line)
            try:
                of = frozenset(word for entry in cue["of"] for word in self.grammar.words_of(entry))
            except TemplateError as error:
                self.errors.add(f"unless_near of: {error}", file, line, rule_id, error.kind)
                continue
            near.extend(NearCue(symbol, cue["window"], of) for symbol in cue_words)
            texts.extend(f"unless_near (within {cue['window']}): {text}" for text in cue["words"])
        texts.extend(f"unless_patterns: {text}" for text in data.get("unless_patterns", []))
        patterns = self._patterns(data.get("patterns", []), raw, "patterns", file, rule_id)
        unless_patterns = self._patterns(data.get("unless_patterns", []), raw, "unless_patterns", file, rule_id)
        if len(self.errors.errors) > failures_before:
            return None
        return Rule(
            id=rule_id,
            category=category,
            subcategory=subcategory,
            message=data["message"],
            mode=data["mode"],
            score=data["score"],
            templates=tuple(templates),
            patterns=tuple(patterns),
            detectors=tuple(dict.fromkeys(data.get("detectors", []))),
            unless=tuple(unless),
            unless_patterns=tuple(unless_patterns),
            min_matches=data["min_matches"],
            examples=Examples(tuple(data["examples"]["reject"]), tuple(data["examples"]["approve"])),
            location=SourceLocation(file, raw.line),
            unless_quoted=data["unless_quoted"],
            unless_mentioned=data["unless_mentioned"],
            unless_near=tuple(near),
            paired_within=data["paired_within"],
            exception_texts=tuple(texts),
        )

    def _templates(
        self, entries: list[str], raw: LineDict, key: str, file: str, rule_id: str | None, modifiers: bool = True, line: int | None = None
    ) -> list[Sym]:
        compiled = []
        for index, entry in enumerate(entries):
            self._entries += 1
            if self._entries > LIMITS.entries:
                self.errors.add(f"more than {LIMITS.entries} templates in the rules", file, _item_line(raw.get(key), index), rule_id)
                break
            try:
                compiled.append(self.grammar.template(entry, modifiers))
            except TemplateError as error:
                self.errors.add(f"{key}: {error}", file, line or _item_line(raw.get(key), index), rule_id, error.kind)
        return compiled

    def _patterns(self, entries: list[str], raw: LineDict, key: str, file: str, rule_id: str) -> list[Any]:
        compiled = []
        for index, entry in enumerate(entries):
            try:
                compiled.append(compile_pattern(entry, self._pattern_program))
            except ValueError as error:
                self.errors.add(f"{key}: {error}", file, _item_line(raw.get(key), index), rule_id)
        if len(compiled) > LIMITS.patterns:
            self.errors.add(f"more than {LIMITS.patterns} patterns", file, raw.line_of(key), rule_id)
        return compiled

    def _check_examples(self, ruleset: Ruleset) -> None:
        for failure in failing_examples(ruleset):
            rule = failure.rule
            self.errors.add(failure.message, rule.location.file, rule.location.line, rule.id, failure.kind)
