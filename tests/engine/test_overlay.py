"""Site overlays: loading, every error located, each key's effect on decisions, fallback, and reuse of the shared ruleset."""

from __future__ import annotations

import gc
import pickle
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import KIDS_OVERLAY as KIDS

from moderation.engine import Policies, RuleError, RuleSetError, load_policies, overlay
from moderation.engine import cache as cache_module
from moderation.engine.trie import LayeredRoot

WriteRules = Callable[..., Path]

BASE = {
    "settings.yml": """
        allowed_domains: [wikipedia.org]
        safe_words: [scunthorpe]
    """,
    "profanity.yml": """
        category: profanity
        rules:
          - id: swear
            message: Swearing
            words: [damn, "shit*"]
            examples:
              reject: ["damn", "shitty"]
    """,
    "promotion.yml": """
        category: promotion
        rules:
          - id: link
            message: A link
            score: 0.5
            detectors: [link]
            examples:
              reject: ["buy at cheap-watches.com"]
          - id: check-out
            message: Check out
            templates: ["check out"]
            examples:
              reject: ["check out my channel"]
    """,
    "threats.yml": """
        category: threat
        rules:
          - id: kill
            message: A threat
            phrases: ["kill you"]
            examples:
              reject: ["i will kill you"]
    """,
    "lexicons/animals.yml": """
        animal: [donkey, goat]
    """,
}


Load = Callable[..., Policies]


@pytest.fixture
def load(write_rules: WriteRules) -> Load:
    """load({"sport.yml": "..."}) writes the base rules with these overlays under sites/ and loads them."""

    def run(sites: dict[str, str], **extra: str) -> Policies:
        files = {**BASE, **extra, **{f"sites/{name}": text for name, text in sites.items()}}
        return load_policies(write_rules(files))

    return run


def errors(write_rules: WriteRules, sites: dict[str, str]) -> list[RuleError]:
    files = {**BASE, **{f"sites/{name}": text for name, text in sites.items()}}
    with pytest.raises(RuleSetError) as raised:
        load_policies(write_rules(files))
    return raised.value.errors


def verdict(policies: Policies, site: str | None, text: str) -> str:
    return policies.for_site(site).evaluate(text).decision


def test_disabled_category_approves_on_that_site_only(load: Load) -> None:
    policies = load({"sport.yml": "disable: [profanity]\n"})
    assert verdict(policies, None, "damn this referee") == "reject"
    assert verdict(policies, "sport", "damn this referee") == "approve"
    assert verdict(policies, "sport", "i will kill you") == "reject"
    assert all(rule.category != "profanity" for rule in policies.sites["sport"].rules)


def test_disabled_rule_id_leaves_the_rest_of_its_category(load: Load) -> None:
    policies = load({"music.yml": "disable: [promotion/check-out]\nthresholds: {promotion: 0.5}\n"})
    assert verdict(policies, None, "check out my channel") == "reject"
    assert verdict(policies, "music", "check out my channel") == "approve"
    assert verdict(policies, "music", "buy at cheap-watches.com") == "reject"


def test_extra_rule_is_namespaced_and_decides_only_on_its_site(load: Load) -> None:
    policies = load({"kids.yml": KIDS})
    kids = policies.for_site("kids").evaluate("darn it, we lost")
    assert kids.decision == "reject"
    assert [reason.rule for reason in kids.reasons] == ["sites/kids/mild-words"]
    assert kids.policy == "kids"
    assert kids.to_dict()["policy"] == "kids"
    shared = policies.for_site(None).evaluate("darn it, we lost")
    assert (shared.decision, shared.policy) == ("approve", "default")
    assert verdict(policies, "kids", "damn") == "reject"  # the shared rules still apply


def test_extra_rule_reads_misspellings_of_its_own_words(load: Load) -> None:
    policies = load({"kids.yml": KIDS})
    assert verdict(policies, "kids", "what the heeck") == "reject"
    assert verdict(policies, None, "what the heeck") == "approve"


def test_extra_rule_may_use_a_shared_lexicon(load: Load) -> None:
    farm = """
rules:
  - id: animal-names
    category: personal_attack
    message: Calling someone an animal
    templates: ["you {animal}"]
    examples:
      reject: ["you donkey"]
      approve: ["a donkey in the field"]
"""
    policies = load({"farm.yml": farm})
    assert verdict(policies, "farm", "shut up you goat") == "reject"
    assert verdict(policies, None, "shut up you goat") == "approve"


def test_shadowed_rule_is_reported_but_does_not_decide(load: Load) -> None:
    policies = load({"sport.yml": "shadow: [profanity/swear]\n"})
    decision = policies.for_site("sport").evaluate("damn")
    assert decision.decision == "approve"
    assert [(reason.rule, reason.mode) for reason in decision.reasons] == [("profanity/swear", "shadow")]
    assert [reason.mode for reason in policies.for_site(None).evaluate("damn").reasons] == ["enforce"]


def test_threshold_of_the_site_replaces_the_shared_one(load: Load) -> None:
    policies = load({"strict.yml": "thresholds: {promotion: 0.5}\n"})
    assert verdict(policies, None, "buy at cheap-watches.com") == "approve"
    assert verdict(policies, "strict", "buy at cheap-watches.com") == "reject"


def test_allowed_domains_are_added_to_the_shared_ones(load: Load) -> None:
    policies = load({"north.yml": "allowed_domains: [northern-echo.co.uk]\nthresholds: {promotion: 0.5}\n"})
    text = "full story at northern-echo.co.uk/news/123"
    assert verdict(policies, "north", text) == "approve"
    assert verdict(policies, "north", "see en.wikipedia.org/wiki/Durham") == "approve"
    assert verdict(policies, "north", "buy at cheap-watches.com") == "reject"
    assert "promotion/link" in {hit.rule for hit in policies.for_site(None).assess(text).hits}


def test_safe_words_are_added_and_do_not_leak_into_the_shared_rules(load: Load) -> None:
    policies = load({"food.yml": "safe_words: [shiitake, shitake]\n"})
    assert verdict(policies, "food", "shitake risotto") == "approve"
    assert verdict(policies, None, "shitake risotto") == "reject"  # after the site's steps: no stale memo
    assert verdict(policies, "food", "shitty risotto") == "reject"


def test_unknown_site_or_none_falls_back_to_the_shared_rules(load: Load) -> None:
    policies = load({"kids.yml": KIDS})
    for site in (None, "", "nowhere", "default"):
        ruleset = policies.for_site(site)
        assert ruleset is policies.shared
        assert ruleset.evaluate("darn it, we lost").policy == "default"
    assert policies.for_site(" Kids ") is policies.sites["kids"]


def test_versions_cover_the_overlay_and_leave_the_shared_version_alone(write_rules: WriteRules) -> None:
    directory = write_rules({**BASE, "sites/kids.yml": KIDS, "sites/sport.yml": "disable: [profanity]\n"})
    first = load_policies(directory)
    (directory / "sites/kids.yml").write_text(KIDS.replace("[darn, heck]", "[darn, heck, gosh]"), encoding="utf-8")
    second = load_policies(directory)
    assert second.shared is first.shared  # the shared ruleset is not compiled again
    assert second.sites["sport"] is first.sites["sport"]  # nor an unchanged overlay
    assert second.sites["kids"].version != first.sites["kids"].version
    assert len({first.shared.version, first.sites["kids"].version, first.sites["sport"].version}) == 3
    assert second.for_site("kids").evaluate("gosh").decision == "reject"


def test_overlay_reuses_the_shared_compiled_parts(load: Load) -> None:
    policies = load({"kids.yml": KIDS, "sport.yml": "disable: [profanity]\n"})
    shared, kids, sport = policies.shared, policies.sites["kids"], policies.sites["sport"]
    assert sport.compiled is shared.compiled  # nothing new to look up: the very same trie and speller
    assert isinstance(kids.compiled.root, LayeredRoot) and kids.compiled.root.base is shared.compiled.root
    assert kids.entries[: len(shared.entries)] == shared.entries
    assert "darn" not in shared.compiled.speller.vocabulary and "darn" in kids.compiled.speller.vocabulary


def test_overlay_survives_pickling(load: Load) -> None:
    policies = load({"kids.yml": KIDS, "food.yml": "safe_words: [shitake]\n"})
    for site in ("kids", "food"):
        copy = pickle.loads(pickle.dumps(policies.sites[site]))
        for text in ("darn it", "shitake", "damn"):
            assert copy.evaluate(text) == policies.sites[site].evaluate(text)


def test_unknown_rule_id_and_category_are_refused_with_file_and_line(write_rules: WriteRules) -> None:
    found = errors(write_rules, {"sport.yml": "disable:\n  - profanity\n  - promotion/nope\n  - swearing\nshadow: [threats/kil]\n"})
    assert [(error.file, error.line) for error in found] == [("sites/sport.yml", 3), ("sites/sport.yml", 4), ("sites/sport.yml", 5)]
    assert "unknown rule id 'promotion/nope'" in found[0].message
    assert "unknown category 'swearing'" in found[1].message
    assert "shadow: unknown rule id 'threats/kil'" in found[2].message


def test_every_error_of_every_overlay_is_reported_at_once(write_rules: WriteRules) -> None:
    bad_example = KIDS.replace('approve: ["a fine day at the zoo"]', 'approve: ["heck no"]')
    found = errors(
        write_rules,
        {
            "kids.yml": bad_example,
            "sport.yml": "thresholds: {profanity: 0, swearing: 1}\n",
            "news.yml": "disable: [nothing]\n",
            "Bad Name.yml": "disable: [profanity]\n",
        },
    )
    by_file = {(error.file, error.rule) for error in found}
    assert ("sites/kids.yml", "sites/kids/mild-words") in by_file
    assert any(error.file == "sites/sport.yml" and "thresholds" in error.message and error.line == 1 for error in found)
    assert any(error.file == "sites/news.yml" and "unknown category 'nothing'" in error.message for error in found)
    assert any(error.file == "sites/Bad Name.yml" and "site name" in error.message for error in found)
    kids = next(error for error in found if error.file == "sites/kids.yml")
    assert kids.message == "example to approve fires the rule: 'heck no'" and kids.line == 2


def test_rule_errors_in_an_overlay_are_located(write_rules: WriteRules) -> None:
    overlay = """
rules:
  - id: no-category
    message: m
    words: [zorg]
    examples: {reject: [zorg]}
  - id: quiet
    category: profanity
    message: m
    words: [blarg]
    examples: {reject: ["nothing here"]}
  - id: quiet
    category: profanity
    message: m
    words: [blorg]
    examples: {reject: [blorg]}
colour: red
"""
    found = errors(write_rules, {"kids.yml": overlay})
    located = sorted((error.line, error.rule, error.message.split(":")[0]) for error in found)
    assert located[0] == (2, "sites/kids/no-category", "category")
    assert located[1][:2] == (11, "sites/kids/quiet") and located[1][2].startswith("duplicate rule id 'sites/kids/quiet'")
    assert located[2][0] == 16 and "colour" in located[2][2]
    assert len(found) == 3
    # The failing example is found too, once the file's other errors are mended.
    mended = overlay.replace("  - id: no-category\n", "  - id: no-category\n    category: abuse\n").split(
        "  - id: quiet\n    category: profanity\n    message: m\n    words: [blorg]"
    )[0]
    found = errors(write_rules, {"kids.yml": mended})
    assert [(error.rule, error.line, error.message) for error in found] == [
        ("sites/kids/quiet", 7, "example to reject does not fire the rule: 'nothing here'")
    ]


def test_other_files_in_the_sites_folder_are_not_read(write_rules: WriteRules, tmp_path: Path) -> None:
    directory = write_rules({**BASE, "sites/README.md": "disable: [nothing]\n", "sites/kids.yml": KIDS})
    assert set(load_policies(directory).sites) == {"kids"}


def test_overlays_compile_on_a_shared_ruleset_read_from_the_disk_cache(
    write_rules: WriteRules, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_COMPILED", {})
    directory = write_rules({**BASE, "sites/kids.yml": KIDS})
    cache = tmp_path / "cache"
    load_policies(directory, cache_dir=cache)
    assert list(cache.glob("rules-*.pickle"))
    cache_module._COMPILED.clear()  # a fresh process: only the disk cache is left
    policies = load_policies(directory, cache_dir=cache)
    assert policies.shared.grammar is not None
    assert policies.for_site("kids").evaluate("darn it").decision == "reject"


def test_overlays_are_dropped_with_their_shared_ruleset(write_rules: WriteRules, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "_COMPILED", {})
    policies = load_policies(write_rules({**BASE, "sites/kids.yml": KIDS}))
    shared = weakref.ref(policies.shared)
    assert shared in {weakref.ref(key) for key in overlay._COMPILED_SITES}
    cache_module._COMPILED.clear()  # the patched cache, not the test run's
    del policies
    gc.collect()
    assert shared() is None  # nothing the overlay cache keeps holds the old shared rules alive
