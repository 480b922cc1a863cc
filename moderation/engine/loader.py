"""Load a rule directory into a Ruleset, reporting every error at once with file, line and rule id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import re2
import yaml
from marshmallow import ValidationError

from .errors import RuleError, RuleSetError
from .model import SUBCATEGORIES, Examples, Rule, Settings, SourceLocation
from .normalize import fold
from .ruleset import Ruleset
from .schemas import LexiconSchema, RuleFileSchema, RuleSchema, SettingsSchema
from .templates import Phrase, Slot, Template, TemplateError, compile_template, expand_phrase, inflect, typos
from .trie import TokenTrie
from .wordlist import ordinary_word_set
from .yamlsource import LineDict, LineList, YAMLBudgetError, load_yaml

SETTINGS_FILE = "settings.yml"
LEXICON_DIR = "lexicons"
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 8 << 20


def better_profanity_words() -> list[str]:
    """better-profanity's bundled word list, read from the installed package."""
    data = resources.files("better_profanity") / "profanity_wordlist.txt"
    return [line.strip() for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]


class _Collector:
    """Gathers RuleErrors so that loading goes on and reports them all."""

    def __init__(self) -> None:
        self.errors: list[RuleError] = []

    def add(self, message: str, file: str, line: int | None = None, rule: str | None = None) -> None:
        self.errors.append(RuleError(message, file, line, rule))

    def marshmallow(self, error: ValidationError, file: str, node: Any, rule: str | None = None) -> None:
        """Report each field of a marshmallow error at the line of that field."""
        for field_name, messages in _flatten(error.messages):
            top = field_name.split(".")[0]
            line = node.line_of(top) if isinstance(node, LineDict) else getattr(node, "line", None)
            if isinstance(node, LineDict) and top == "_rule":
                line = node.line
            self.add(f"{field_name}: {'; '.join(messages)}" if top != "_rule" else "; ".join(messages), file, line, rule)


def _flatten(messages: Any, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list):
        if all(isinstance(message, str) for message in messages):
            yield prefix or "_schema", [message.replace("Unknown field.", "unknown key") for message in messages]
        else:
            for message in messages:
                yield from _flatten(message, prefix)
    else:
        yield prefix or "_schema", [str(messages)]


class _Lexicons(Mapping[str, tuple[Phrase, ...]]):
    """Lexicons expanded on first use, so that they can refer to each other in any order."""

    def __init__(self, definitions: dict[str, tuple[dict[str, Any], str, int]], errors: _Collector):
        self._definitions = definitions
        self._errors = errors
        self._expanded: dict[str, tuple[Phrase, ...]] = {}
        self._resolving: list[str] = []

    def __getitem__(self, name: str) -> tuple[Phrase, ...]:
        if name in self._expanded:
            return self._expanded[name]
        if name not in self._definitions:
            raise KeyError(name)
        if name in self._resolving:
            raise TemplateError(f"lexicon {{{name}}} refers to itself: {' -> '.join([*self._resolving, name])}")
        self._resolving.append(name)
        try:
            self._expanded[name] = self._expand(name)
        finally:
            self._resolving.pop()
        return self._expanded[name]

    def _expand(self, name: str) -> tuple[Phrase, ...]:
        definition, file, line = self._definitions[name]
        words = list(definition["words"])
        if definition.get("source") == "better_profanity":
            words.extend(better_profanity_words())
        excluded = {fold(word).text for word in definition["excluded"]}
        phrases: list[Phrase] = []
        # Misspellings only of the words written here: a referenced lexicon brings its own (a typo of a typo is noise).
        own: list[Phrase] = []
        for word in words:
            try:
                expanded = expand_phrase(word, self)
            except TemplateError as error:
                self._errors.add(f"lexicon {name}: {error}", file, line)
                continue
            for phrase in expanded:
                if " ".join(phrase) in excluded:
                    continue
                if definition["inflect"] != "none" and len(phrase) >= 1:
                    forms = [(*phrase[:-1], form) for form in inflect(phrase[-1], definition["inflect"])]
                else:
                    forms = [phrase]
                phrases.extend(forms)
                if "{" not in word:
                    own.extend(forms)
        if definition["typos"]:
            # A misspelling that is another English word says that word ("phone", not "phony"); the
            # singular of a plural is the same word ("queer" of "queers").
            words_in_use = ordinary_word_set()
            misspelt = [
                (*phrase[:-1], typo)
                for phrase in own
                if phrase
                for typo in typos(phrase[-1])
                if typo not in words_in_use or phrase[-1] in (typo + "s", typo + "es")
            ]
            phrases.extend(phrase for phrase in misspelt if " ".join(phrase) not in excluded)
        return tuple(dict.fromkeys(phrases))

    def __iter__(self) -> Iterator[str]:
        return iter(self._definitions)

    def __len__(self) -> int:
        return len(self._definitions)


class RuleLoader:
    """Reads one rule directory; load() returns a Ruleset or raises RuleSetError with every error."""

    def __init__(self, directory: str | Path, check_examples: bool = True):
        self.directory = Path(directory)
        self.check_examples = check_examples
        self.errors = _Collector()
        self._digest = hashlib.sha256()
        self._files: list[str] = []
        # Word sets of template parts, shared by every template that uses the same part.
        self._slot_cache: dict[str, tuple[TokenTrie, bool]] = {}

    def _read(self, path: Path) -> Any:
        relative = path.relative_to(self.directory).as_posix()
        data = path.read_bytes()
        self._digest.update(relative.encode() + b"\0" + data + b"\0")
        self._files.append(relative)
        try:
            return load_yaml(data.decode("utf-8"))
        except UnicodeDecodeError as error:
            self.errors.add(f"not valid UTF-8 at byte {error.start}", relative)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            message = problem if isinstance(error, YAMLBudgetError) else f"YAML syntax error: {problem}"
            self.errors.add(message, relative, mark.line + 1 if mark else None)
        return None

    def _report_duplicates(self, node: Any, file: str) -> None:
        if isinstance(node, LineDict):
            for key, line in node.duplicates:
                self.errors.add(f"key {key!r} is written twice", file, line)
            for value in node.values():
                self._report_duplicates(value, file)
        elif isinstance(node, list):
            for value in node:
                self._report_duplicates(value, file)

    def load(self) -> Ruleset:
        """Compile the directory; raise RuleSetError listing every problem found."""
        if not self.directory.is_dir():
            raise RuleSetError([RuleError(f"rule directory {self.directory} does not exist")])
        lexicons = self._load_lexicons()
        settings = self._load_settings(lexicons)
        rules: list[Rule] = []
        seen_ids: dict[str, str] = {}
        rule_files = sorted(p for p in self.directory.glob("*.y*ml") if p.name != SETTINGS_FILE)
        if not rule_files:
            self.errors.add("no rule files (*.yml) in the directory", str(self.directory))
        for path in rule_files:
            for rule in self._load_rule_file(path, lexicons):
                if rule.id in seen_ids:
                    self.errors.add(
                        f"duplicate rule id {rule.id!r} (first defined at {seen_ids[rule.id]})",
                        rule.location.file,
                        rule.location.line,
                        rule.id,
                    )
                    continue
                seen_ids[rule.id] = str(rule.location)
                rules.append(rule)
        if self.errors.errors:
            raise RuleSetError(self.errors.errors)
        ruleset = Ruleset(tuple(rules), settings, self._digest.hexdigest()[:12], tuple(self._files))
        if self.check_examples:
            self._check_examples(ruleset)
        if self.errors.errors:
            raise RuleSetError(self.errors.errors)
        return ruleset

    def _load_lexicons(self) -> _Lexicons:
        definitions: dict[str, tuple[dict[str, Any], str, int]] = {}
        for path in sorted((self.directory / LEXICON_DIR).glob("*.y*ml")):
            document = self._read(path)
            relative = self._files[-1]
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
                if name in definitions:
                    self.errors.add(f"lexicon {name!r} is already defined in {definitions[name][1]}", relative, line)
                    continue
                if not isinstance(raw, list | dict):
                    self.errors.add(f"lexicon {name!r} must be a list of words or a mapping", relative, line)
                    continue
                body = {"words": raw} if isinstance(raw, list) else raw
                try:
                    definitions[name] = (LexiconSchema().load(body), relative, line)
                except ValidationError as error:
                    if isinstance(raw, LineDict):
                        self.errors.marshmallow(error, relative, raw)
                        continue
                    # A plain list: name the lexicon and the line of the offending word.
                    for field_name, messages in _flatten(error.messages):
                        index = field_name.rpartition(".")[2]
                        where = _item_line(raw, int(index)) if index.isdigit() else line
                        self.errors.add(f"lexicon {name!r}, word {field_name}: {'; '.join(messages)}", relative, where)
        lexicons = _Lexicons(definitions, self.errors)
        for name in definitions:
            try:
                lexicons[name]
            except TemplateError as error:
                self.errors.add(str(error), definitions[name][1], definitions[name][2])
        return lexicons

    def _load_settings(self, lexicons: _Lexicons) -> Settings:
        path = self.directory / SETTINGS_FILE
        if not path.exists():
            return Settings()
        document = self._read(path)
        if document is None:
            return Settings()
        if not isinstance(document, LineDict):
            self.errors.add("settings.yml must be a mapping", SETTINGS_FILE, 1)
            return Settings()
        self._report_duplicates(document, SETTINGS_FILE)
        try:
            data = SettingsSchema().load(document)
        except ValidationError as error:
            self.errors.marshmallow(error, SETTINGS_FILE, document)
            return Settings()
        allow = []
        for index, text in enumerate(data.get("allow", [])):
            try:
                allow.append(compile_template(text, lexicons, self._slot_cache))
            except TemplateError as error:
                self.errors.add(f"allow: {error}", SETTINGS_FILE, _item_line(document.get("allow"), index))
        safe = frozenset(fold(word).text for word in data["safe_words"])
        return Settings(data["thresholds"], frozenset(data["allowed_domains"]), safe, tuple(allow))

    def _load_rule_file(self, path: Path, lexicons: _Lexicons) -> list[Rule]:
        document = self._read(path)
        relative = self._files[-1]
        if document is None:
            return []
        if not isinstance(document, LineDict):
            self.errors.add("a rule file is a mapping with 'category' and 'rules'", relative, 1)
            return []
        self._report_duplicates(document, relative)
        try:
            header = RuleFileSchema().load(document)
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
            rule_id = f"{path.stem}/{raw.get('id')}"
            try:
                data = RuleSchema().load(raw)
            except ValidationError as error:
                self.errors.marshmallow(error, relative, raw, rule_id)
                continue
            rule = self._compile_rule(data, raw, header, relative, rule_id, lexicons)
            if rule is not None:
                rules.append(rule)
        return rules

    def _compile_rule(
        self, data: dict[str, Any], raw: LineDict, header: dict[str, Any], file: str, rule_id: str, lexicons: _Lexicons
    ) -> Rule | None:
        failures_before = len(self.errors.errors)
        category = header["category"]
        subcategory = data.get("subcategory", header.get("subcategory"))
        if subcategory and subcategory not in SUBCATEGORIES.get(category, ()):
            allowed = ", ".join(SUBCATEGORIES.get(category, ())) or "none"
            self.errors.add(
                f"subcategory {subcategory!r} does not belong to {category} (allowed: {allowed})", file, raw.line_of("subcategory"), rule_id
            )
        templates: list[Template] = []
        for key in ("words", "phrases"):
            if data.get(key):
                template = self._word_set(data[key], raw, key, file, rule_id, lexicons)
                if template is not None:
                    templates.append(template)
        templates.extend(self._templates(data.get("templates", []), raw, "templates", file, rule_id, lexicons))
        unless = self._templates(data.get("unless", []), raw, "unless", file, rule_id, lexicons)
        patterns = self._patterns(data.get("patterns", []), raw, "patterns", file, rule_id)
        unless_patterns = self._patterns(data.get("unless_patterns", []), raw, "unless_patterns", file, rule_id)
        if len(self.errors.errors) > failures_before:
            return None
        examples = Examples(tuple(data["examples"]["reject"]), tuple(data["examples"]["approve"]))
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
            examples=examples,
            location=SourceLocation(file, raw.line),
            unless_quoted=data["unless_quoted"],
        )

    def _word_set(self, entries: list[str], raw: LineDict, key: str, file: str, rule_id: str, lexicons: _Lexicons) -> Template | None:
        """Compile a whole word or phrase list into one single-slot template (one dict probe per token)."""
        trie = TokenTrie()
        for index, entry in enumerate(entries):
            try:
                for phrase in expand_phrase(entry, lexicons):
                    if phrase:
                        trie.add(phrase)
            except TemplateError as error:
                self.errors.add(f"{key}: {error}", file, _item_line(raw.get(key), index), rule_id)
        return Template(f"<{key} of {rule_id}>", (Slot(key, trie, False),))

    def _templates(self, entries: list[str], raw: LineDict, key: str, file: str, rule_id: str, lexicons: _Lexicons) -> list[Template]:
        compiled = []
        for index, entry in enumerate(entries):
            try:
                compiled.append(compile_template(entry, lexicons, self._slot_cache))
            except TemplateError as error:
                self.errors.add(f"{key}: {error}", file, _item_line(raw.get(key), index), rule_id)
        return compiled

    def _patterns(self, entries: list[str], raw: LineDict, key: str, file: str, rule_id: str) -> list[Any]:
        compiled = []
        for index, entry in enumerate(entries):
            try:
                compiled.append(re2.compile(entry, _RE2_OPTIONS))
            except re2.error as error:
                self.errors.add(f"{key}: not a valid RE2 pattern {entry!r}: {error}", file, _item_line(raw.get(key), index), rule_id)
        return compiled

    def _check_examples(self, ruleset: Ruleset) -> None:
        for rule in ruleset.rules:
            for text in rule.examples.reject:
                if rule.id not in ruleset.fired_rule_ids(text):
                    self.errors.add(f"example to reject does not fire the rule: {text!r}", rule.location.file, rule.location.line, rule.id)
            for text in rule.examples.approve:
                if rule.id in ruleset.fired_rule_ids(text):
                    self.errors.add(f"example to approve fires the rule: {text!r}", rule.location.file, rule.location.line, rule.id)


def _item_line(node: Any, index: int) -> int | None:
    if isinstance(node, LineList):
        return node.line_of(index)
    return getattr(node, "line", None)


# Compiled rulesets by directory and content: a Ruleset is an immutable snapshot, so loading
# the same files again (every app in a test run, every reload without a change) can share it.
_COMPILED: dict[tuple[str, bool], Ruleset] = {}
_COMPILED_MAX = 8


def _content_key(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.y*ml")):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_ruleset(directory: str | Path, check_examples: bool = True) -> Ruleset:
    """Load and compile a rule directory; raises RuleSetError with every error found."""
    path = Path(directory)
    if not path.is_dir():
        return RuleLoader(directory, check_examples).load()
    # Keyed by content, not place: a copy of the rules (a test's temporary directory) compiles to the same snapshot.
    key = (_content_key(path), check_examples)
    cached = _COMPILED.get(key)
    if cached is not None:
        return cached
    ruleset = RuleLoader(directory, check_examples).load()
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.pop(next(iter(_COMPILED)))
    _COMPILED[key] = ruleset
    return ruleset
