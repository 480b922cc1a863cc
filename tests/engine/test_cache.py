"""Compiled rulesets kept for reuse: the same snapshot in one process, a cache file across restarts."""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.engine import Ruleset, load_ruleset
from moderation.engine.cache import content_key
from moderation.engine.overlay import load_sites

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


def test_other_engine_code_is_a_new_cache_entry(write_rules: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade that changes the engine's code, with FORMAT left as it was, must not read the old file."""
    from moderation.engine import cache

    directory = write_rules(RULES)
    before = content_key(directory)
    assert cache._engine_source_digest() == cache.ENGINE_DIGEST  # the digest is of the files as they are
    monkeypatch.setattr(cache, "ENGINE_DIGEST", "0" * 16)
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


def test_a_site_compiled_on_rules_read_from_the_cache_in_a_new_process_matches(
    write_rules: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Symbol ids key the chart's and the index's memos: a new process counts from 1 again, and must not
    # hand a site's symbols the ids of symbols it read from the cache file.
    site = """
        rules:
          - id: mild
            category: threat
            message: Mild words
            words: [darn, heck]
            examples: {reject: ["darn it, we lost"]}
    """
    directory = write_rules({**RULES, "sites/kids.yml": site})
    cache_dir = tmp_path / "cache"
    from moderation.engine import cache, symbols

    monkeypatch.setattr(cache, "_COMPILED", {})  # no ruleset of the same shared files compiled by another test
    monkeypatch.setattr(symbols, "_ids", itertools.count(1))  # the compiling process, from its start
    load_ruleset(directory, cache_dir=cache_dir, memo=False)
    monkeypatch.setattr(symbols, "_ids", itertools.count(1))  # a new process that reads the cache file
    shared = load_ruleset(directory, cache_dir=cache_dir, memo=False)
    policies = load_sites(shared, directory)  # runs the site's example: it raised RuleSetError
    assert policies.for_site("kids").evaluate("heck, we lost").rejected
    assert policies.for_site("kids").evaluate("I will k1ll you").rejected


def test_the_collector_is_paused_for_a_compile_only(write_rules: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from moderation.engine import loader

    seen: list[bool] = []
    real_load = loader.RuleLoader.load

    def load(self: loader.RuleLoader) -> Ruleset:
        seen.append(gc.isenabled())
        return real_load(self)

    monkeypatch.setattr(loader.RuleLoader, "load", load)
    directory = write_rules(RULES)
    assert gc.isenabled()
    load_ruleset(directory, reuse=False)
    assert seen == [False]
    assert gc.isenabled()  # on again afterwards
    gc.disable()
    try:
        load_ruleset(directory, reuse=False)
        assert not gc.isenabled()  # a caller's own pause is left alone
    finally:
        gc.enable()


def test_a_compiled_ruleset_goes_to_the_oldest_generation(write_rules: Callable[..., Path]) -> None:
    import gc

    ruleset = load_ruleset(write_rules(RULES), reuse=False)
    # No young collection will go over it: it is where long-lived objects are, and the young ones are few.
    assert any(found is ruleset for found in gc.get_objects(generation=2))
    assert not any(found is ruleset for found in gc.get_objects(generation=0))
    assert gc.get_freeze_count() == 0  # nothing is left frozen for good


def test_no_parse_of_a_compile_stays_in_the_process(write_rules: Callable[..., Path]) -> None:
    from moderation.engine import load_policies
    from moderation.engine.syntax import parse_sequence

    site = "rules:\n  - id: mild\n    category: threat\n    message: Mild\n    words: [darn]\n    examples: {reject: [darn it]}\n"
    directory = write_rules({**RULES, "sites/kids.yml": site})
    load_ruleset(directory, reuse=False)
    assert parse_sequence.cache_info().currsize == 0
    policies = load_policies(directory, reuse=False)
    assert policies.for_site("kids").evaluate("darn it").rejected  # the site was compiled, its parses forgotten too
    assert parse_sequence.cache_info().currsize == 0
