"""Compiled rulesets kept for reuse: the same snapshot in one process, a cache file across restarts."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

from moderation.engine import Ruleset, load_ruleset
from moderation.engine.cache import content_key

RULES = {
    "threats.yml": """
        category: threat
        rules:
          - id: kill
            message: Threat
            templates: ["i will {violent} (you|them)"]
            examples: {reject: ["I will k1ll you"], approve: ["I will call you"]}
    """,
    "lexicons/v.yml": "violent: {inflect: verb, words: [kill, stab]}\n",
}


def same_decisions(first: Ruleset, second: Ruleset) -> None:
    for text in ("I will k1ll you", "i will stab them", "I will call you", "f u c k"):
        assert first.evaluate(text).to_dict() == second.evaluate(text).to_dict()


def test_a_ruleset_survives_pickling(write_rules: Callable[..., Path]) -> None:
    ruleset = load_ruleset(write_rules(RULES), reuse=False)
    copy = pickle.loads(pickle.dumps(ruleset))
    same_decisions(ruleset, copy)
    assert copy.version == ruleset.version


def test_a_restart_reads_the_cache_file_instead_of_compiling(write_rules: Callable[..., Path], tmp_path: Path) -> None:
    directory = write_rules(RULES)
    cache_dir = tmp_path / "cache"
    first = load_ruleset(directory, cache_dir=cache_dir, reuse=False)
    assert not cache_dir.exists()  # reuse=False (candidates) keeps nothing
    first = load_ruleset(directory, cache_dir=cache_dir)
    (cached,) = cache_dir.iterdir()
    assert content_key(directory)[:32] in cached.name
    from moderation.engine import cache

    cache._COMPILED.clear()  # a new process
    second = load_ruleset(directory, cache_dir=cache_dir)
    assert second is not first
    same_decisions(first, second)


def test_a_changed_file_is_a_new_cache_entry(write_rules: Callable[..., Path], tmp_path: Path) -> None:
    directory = write_rules(RULES)
    before = content_key(directory)
    (directory / "lexicons" / "v.yml").write_text("violent: {inflect: verb, words: [kill, stab, shoot]}\n", encoding="utf-8")
    assert content_key(directory) != before


def test_a_torn_cache_file_is_only_a_missed_cache(write_rules: Callable[..., Path], tmp_path: Path) -> None:
    directory = write_rules(RULES)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    from moderation.engine import cache

    name = f"rules-{content_key(directory)[:32]}-1.pickle"
    (cache_dir / name).write_bytes(b"\x80\x05 torn")
    cache._COMPILED.clear()
    ruleset = load_ruleset(directory, cache_dir=cache_dir)
    assert ruleset.evaluate("I will kill you").rejected
    assert pickle.loads((cache_dir / name).read_bytes()).version == ruleset.version  # rewritten whole
