"""The `moderation rules lint` command: ordinary English words the rules would reject, and exceptions nothing shows the need for."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import yaml

from ..config import DEFAULT_RULES_DIR
from ..engine import Ruleset, fold
from ..engine.files import rule_file_paths
from ..engine.loader import better_profanity_words
from ..engine.syntax import TemplateError, expand_phrase
from ..engine.wordlist import ORDINARY_WORDS, ordinary_words
from .rules_load import load_or_exit

DEFAULT_WORD_COUNT = ORDINARY_WORDS
# Keys of rule and lexicon files whose entries name words on purpose.
_WORD_KEYS = ("words", "phrases")


@dataclass(frozen=True, slots=True)
class Collision:
    """An ordinary word that the rules reject, and the rules that reject it."""

    word: str
    rank: int
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"word": self.word, "rank": self.rank, "rules": list(self.rules)}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)


def _entries(document: Any, in_lexicon_file: bool) -> Iterator[tuple[str, Any]]:
    """Word-list entries of a YAML document: lexicon word lists, or a rule's words and phrases."""
    if not isinstance(document, dict):
        return
    if in_lexicon_file:
        for definition in document.values():
            body = definition.get("words", []) if isinstance(definition, dict) else definition
            yield from (("words", entry) for entry in _strings(body))
        return
    for rule in document.get("rules") or []:
        if isinstance(rule, dict):
            for key in _WORD_KEYS:
                yield from ((key, entry) for entry in _strings(rule.get(key)))


@dataclass(frozen=True, slots=True)
class NamedWords:
    """Words the rules name on purpose; `whole` may also start or end a compound ("horseshit")."""

    exact: frozenset[str]
    whole: frozenset[str]


def named_words(directory: Path) -> NamedWords:
    """Single words that the rule files list on purpose (alternatives expanded, stems by their root), plus better-profanity's list.

    A rule that rejects a word it names is doing its job; the lint looks for the other words
    it reaches through stems, endings, misspellings and leetspeak readings.
    """
    named = {fold(word).text for word in better_profanity_words()}
    roots: set[str] = set()
    for path in rule_file_paths(directory):
        in_lexicon_file = path.parent != directory
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        for _key, entry in _entries(document, in_lexicon_file):
            if "{" in entry:
                continue
            try:
                phrases = expand_phrase(entry)
            except TemplateError:
                continue
            words = [phrase[0] for phrase in phrases if len(phrase) == 1]
            named.update(word for word in words if "*" not in word)
            roots.update(word.strip("*") for word in words if "*" in word)
    return NamedWords(frozenset(named | roots), frozenset(named))


# Named words this long count as the root of a compound ("horseshit", "wankers").
MIN_ROOT_LENGTH = 4


def is_named(word: str, named: NamedWords) -> bool:
    """True when a rule names the word, or the word is a compound that starts or ends with a whole named word."""
    folded = fold(word).text.replace("'", "")
    if folded in named.exact:
        return True
    whole, size = named.whole, len(folded)
    # Stem roots never count here: what a stem reaches beyond its root is exactly what the lint must show.
    return any(folded[:length] in whole or folded[size - length :] in whole for length in range(MIN_ROOT_LENGTH, size))


@dataclass(frozen=True, slots=True)
class IdleException:
    """An exception of a rule that none of the rule's approve examples needs: nothing shows what it is for."""

    rule: str
    exception: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"rule": self.rule, "exception": self.exception}


def idle_exceptions(ruleset: Ruleset) -> list[IdleException]:
    """Exceptions (unless, unless_near, unless_patterns) that cancel a hit on none of their rule's approve examples."""
    idle: list[IdleException] = []
    for rule in ruleset.rules:
        if not rule.exception_texts:
            continue
        used: set[str] = set()
        for text in rule.examples.approve:
            used |= ruleset.exceptions_used(text).get(rule.id, set())
        idle.extend(IdleException(rule.id, text) for text in dict.fromkeys(rule.exception_texts) if text not in used)
    return idle


def find_collisions(ruleset: Ruleset, words: Iterable[str], named: NamedWords) -> list[Collision]:
    """Ordinary words that the ruleset rejects although no rule names them."""
    collisions = []
    for rank, word in enumerate(words, start=1):
        decision = ruleset.evaluate(word)
        if not decision.rejected or is_named(word, named):
            continue
        rules = tuple(reason.rule for reason in decision.enforcing)
        collisions.append(Collision(word, rank, rules))
    return collisions


@click.command("lint")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--words",
    "word_count",
    type=click.IntRange(min=1),
    default=DEFAULT_WORD_COUNT,
    show_default=True,
    help="How many of the most frequent English words to try.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def lint_command(directory: Path | None, word_count: int, as_json: bool) -> None:
    """Run every rule against the most frequent English words and list the ordinary words it would reject."""
    directory = directory or DEFAULT_RULES_DIR
    ruleset = load_or_exit(directory, as_json)
    words = ordinary_words(word_count)
    collisions = find_collisions(ruleset, words, named_words(directory))
    idle = idle_exceptions(ruleset)
    if as_json:
        result = {
            "directory": str(directory),
            "words": len(words),
            "collisions": [c.to_dict() for c in collisions],
            "idle_exceptions": [i.to_dict() for i in idle],
        }
        click.echo(json.dumps(result, indent=2))
    else:
        for collision in collisions:
            click.echo(f"{collision.word}\t(rank {collision.rank})\t{', '.join(collision.rules)}")
        for exception in idle:
            click.echo(f"{exception.rule}\tno approve example needs\t{exception.exception}")
        click.echo(f"{directory}: {len(words)} ordinary words tried, {len(collisions)} rejected that no rule names", err=not collisions)
        click.echo(f"{directory}: {len(idle)} exceptions that no approve example of their rule needs", err=not idle)
    if collisions or idle:
        sys.exit(1)
