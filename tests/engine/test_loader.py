"""Loading rule directories: validation errors with file, line and rule id, all reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from moderation.engine import RuleError, Ruleset, RuleSetError, load_ruleset
from moderation.engine.errors import ErrorKind

Errors = Callable[[dict[str, str | bytes]], list[RuleError]]
Build = Callable[..., Ruleset]

GOOD = """
category: profanity
rules:
  - id: swear
    message: Swearing
    words: [darn, "heck*"]
    examples:
      reject: ["oh darn it"]
      approve: ["a fine day"]
"""


def only(errors: list[RuleError]) -> RuleError:
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_good_directory_loads(build: Build) -> None:
    ruleset = build({"profanity.yml": GOOD})
    assert [rule.id for rule in ruleset.rules] == ["profanity/swear"]
    rule = ruleset.rules[0]
    assert rule.category == "profanity"
    assert rule.mode == "enforce"
    assert rule.score == 1.0
    assert rule.min_matches == 1
    assert (rule.location.file, rule.location.line) == ("profanity.yml", 3)
    assert ruleset.evaluate("Oh DARN it").rejected
    assert ruleset.evaluate("what the hecking mess").rejected


def test_unknown_key(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "profanity.yml": """
                category: profanity
                rules:
                  - id: swear
                    message: Swearing
                    colour: red
                    words: [darn]
                    examples: {reject: ["darn"]}
                """
            }
        )
    )
    assert "colour" in error.message and "unknown key" in error.message
    assert (error.file, error.line, error.rule) == ("profanity.yml", 5, "profanity/swear")
    assert str(error).startswith("profanity.yml:5 [profanity/swear]: ")


def test_unknown_key_in_file_header(errors_of: Errors) -> None:
    rule = "  - {id: a, message: m, words: [x], examples: {reject: [x]}}\n"
    error = only(errors_of({"x.yml": "category: threat\nowner: me\nrules:\n" + rule}))
    assert "owner" in error.message
    assert (error.file, error.line) == ("x.yml", 2)


@pytest.mark.parametrize(
    ("pattern", "fragment"),
    [
        ("(unclosed", "not a valid RE2"),
        ("(a)\\\\1", "not a valid RE2"),  # backreferences: RE2 refuses them
        ("(?<=a)b", "not a valid RE2"),  # look-behind
    ],
)
def test_bad_regex(errors_of: Errors, pattern: str, fragment: str) -> None:
    error = only(
        errors_of(
            {
                "p.yml": f"""
                category: promotion
                rules:
                  - id: pat
                    message: Pattern
                    patterns:
                      - "ok"
                      - "{pattern}"
                    examples: {{reject: ["ok"]}}
                """
            }
        )
    )
    assert fragment in error.message
    assert (error.file, error.line, error.rule) == ("p.yml", 7, "p/pat")


def test_catastrophic_pattern_runs_in_linear_time(build: Build) -> None:
    """(a+)+$ backtracks exponentially in Python's re; RE2 answers at once (no timing asserted)."""
    ruleset = build(
        {
            "p.yml": """
            category: promotion
            rules:
              - id: nested
                message: Nested quantifiers
                patterns: ["(a+)+$"]
                examples: {reject: ["aaaa"], approve: ["aaab"]}
            """
        }
    )
    assert not ruleset.evaluate("a" * 20_000 + "b").rejected
    assert ruleset.evaluate("a" * 20_000).rejected


def test_pattern_offsets_index_the_submitted_text(build: Build) -> None:
    ruleset = build(
        {
            "p.yml": """
            category: promotion
            rules:
              - id: code
                message: Promo code
                patterns: ["promo ?code [a-z0-9]+"]
                examples: {reject: ["PROMO CODE abc"]}
            """
        }
    )
    text = "Ｕse ＰＲＯＭＯ code Ｘ1 today"
    decision = ruleset.evaluate(text)
    match = decision.reasons[0].matches[0]
    assert text[match.start : match.end] == match.text == "ＰＲＯＭＯ code Ｘ1"


def test_duplicate_id(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "profanity.yml": """
                category: profanity
                rules:
                  - id: swear
                    message: one
                    words: [darn]
                    examples: {reject: ["darn"]}
                  - id: swear
                    message: two
                    words: [heck]
                    examples: {reject: ["heck"]}
                """
            }
        )
    )
    assert "duplicate rule id" in error.message
    assert "profanity.yml:3" in error.message  # where the first one is
    assert (error.file, error.line, error.rule) == ("profanity.yml", 7, "profanity/swear")


def test_same_id_in_two_files_is_two_rules(build: Build) -> None:
    rule = "category: profanity\nrules:\n  - {id: swear, message: m, words: [darn], examples: {reject: [darn]}}\n"
    ruleset = build({"a.yml": rule, "b.yml": rule})
    assert [r.id for r in ruleset.rules] == ["a/swear", "b/swear"]


def test_example_to_reject_that_does_not_fire(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "profanity.yml": """
                category: profanity
                rules:
                  - id: swear
                    message: Swearing
                    words: [darn]
                    examples:
                      reject: ["darn", "drat"]
                """
            }
        )
    )
    assert "example to reject does not fire" in error.message and "drat" in error.message
    assert (error.file, error.line, error.rule) == ("profanity.yml", 3, "profanity/swear")


def test_example_to_approve_that_fires(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "profanity.yml": """
                category: profanity
                rules:
                  - id: swear
                    message: Swearing
                    words: [darn]
                    examples:
                      reject: ["darn"]
                      approve: ["darn it all"]
                """
            }
        )
    )
    assert "example to approve fires" in error.message and "darn it all" in error.message
    assert (error.file, error.rule) == ("profanity.yml", "profanity/swear")


def test_examples_can_be_skipped(write_rules: Callable[..., Path]) -> None:
    directory = write_rules({"x.yml": "category: profanity\nrules:\n  - {id: a, message: m, words: [darn], examples: {reject: [drat]}}\n"})
    assert load_ruleset(directory, check_examples=False).rules[0].id == "x/a"


def test_reject_examples_are_required(errors_of: Errors) -> None:
    error = only(errors_of({"x.yml": "category: profanity\nrules:\n  - {id: a, message: m, words: [darn]}\n"}))
    assert "examples" in error.message
    assert (error.file, error.rule) == ("x.yml", "x/a")


def test_unknown_lexicon(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "x.yml": """
                category: threat
                rules:
                  - id: a
                    message: m
                    templates:
                      - "i will {nope} you"
                    examples: {reject: ["i will x you"]}
                """
            }
        )
    )
    assert "unknown lexicon {nope}" in error.message
    assert (error.file, error.line, error.rule) == ("x.yml", 6, "x/a")


def test_lexicon_cycle(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "lexicons/loop.yml": "first: [one, '{second}']\nsecond: [two, '{first}']\n",
            "x.yml": "category: threat\nrules:\n  - {id: a, message: m, words: ['{first}'], examples: {reject: [one]}}\n",
        }
    )
    cycle = [e for e in errors if "refers to itself" in e.message]
    assert cycle
    assert cycle[0].file == "lexicons/loop.yml"
    assert cycle[0].line in (1, 2)
    assert "first" in cycle[0].message and "second" in cycle[0].message


def test_lexicon_refers_to_another_in_any_order(build: Build) -> None:
    ruleset = build(
        {
            "lexicons/a.yml": "insult: ['{animal}', 'fool']\n",
            "lexicons/b.yml": "animal: {words: [pig, rat], inflect: noun}\n",
            "x.yml": "category: personal_attack\nrules:\n  - id: a\n    message: m\n    templates: ['you {insult}']\n"
            "    examples: {reject: ['you pigs', 'you fool'], approve: ['you people']}\n",
        }
    )
    assert ruleset.evaluate("you rats").rejected


def test_lexicon_exclude_and_better_profanity_source(build: Build) -> None:
    ruleset = build(
        {
            "lexicons/p.yml": "swears:\n  source: better_profanity\n  words: [darn]\n  exclude: [gay, hell]\n",
            "x.yml": "category: profanity\nrules:\n  - id: a\n    message: m\n    words: ['{swears}']\n"
            "    examples: {reject: ['darn', 'shit'], approve: ['gay pride', 'what the hell']}\n",
        }
    )
    assert ruleset.evaluate("bollocks").rejected or ruleset.evaluate("bastard").rejected


def test_bad_lexicon_name_and_shape(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "lexicons/x.yml": "Bad-Name: [a]\ngood: 5\nfine: {words: [a], colour: red}\n",
            "x.yml": "category: threat\nrules:\n  - {id: a, message: m, words: [zz], examples: {reject: [zz]}}\n",
        }
    )
    assert {e.file for e in errors} == {"lexicons/x.yml"}
    messages = " | ".join(e.message for e in errors)
    assert "Bad-Name" in messages
    assert "good" in messages
    assert "colour" in messages
    assert len(errors) == 3


def test_yaml_syntax_error_has_its_line(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "x.yml": "category: threat\nrules:\n  - id: a\n    message: [unclosed\n    words: [x]\n",
            }
        )
    )
    assert "YAML syntax error" in error.message
    assert error.file == "x.yml"
    assert error.line is not None and 4 <= error.line <= 6


def test_yaml_tab_indentation_error_line(errors_of: Errors) -> None:
    error = only(errors_of({"x.yml": "category: threat\nrules:\n\t- id: a\n"}))
    assert "YAML syntax error" in error.message
    assert error.line == 3


def test_duplicate_yaml_keys(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "x.yml": """
                category: profanity
                rules:
                  - id: a
                    message: first
                    words: [darn]
                    message: second
                    examples: {reject: [darn]}
                """
            }
        )
    )
    assert "'message' is written twice" in error.message
    assert (error.file, error.line) == ("x.yml", 6)


def test_non_utf8_file(errors_of: Errors) -> None:
    error = only(errors_of({"x.yml": "category: profanity\nrules: [{id: a, message: caf\xe9}]\n".encode("latin-1")}))
    assert "not valid UTF-8" in error.message
    assert error.file == "x.yml"


def test_unknown_category_and_bad_subcategory(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "a.yml": "category: spam\nrules:\n  - {id: a, message: m, words: [x], examples: {reject: [x]}}\n",
            "b.yml": "category: abuse\nrules:\n  - {id: b, message: m, subcategory: commercial, words: [x], examples: {reject: [x]}}\n",
        }
    )
    by_file = {e.file: e for e in errors}
    assert "category" in by_file["a.yml"].message
    assert by_file["a.yml"].line == 1
    assert "subcategory 'commercial' does not belong to abuse" in by_file["b.yml"].message
    assert by_file["b.yml"].rule == "b/b"


def test_rule_that_matches_nothing(errors_of: Errors) -> None:
    error = only(errors_of({"a.yml": "category: threat\nrules:\n  - {id: a, message: m, examples: {reject: [x]}}\n"}))
    assert "at least one of" in error.message
    assert (error.file, error.line, error.rule) == ("a.yml", 3, "a/a")


def test_bad_values(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "a.yml": """
            category: threat
            rules:
              - id: Bad Id
                message: m
                words: [x]
                examples: {reject: [x]}
              - id: b
                message: m
                mode: loud
                score: -1
                min_matches: 0
                detectors: [telepathy]
                examples: {reject: [x]}
            """
        }
    )
    messages = {e.message.split(":")[0] for e in errors}
    assert {"id", "mode", "score", "min_matches"} <= messages
    assert any(m.startswith("detectors") for m in messages)
    lines = {e.message.split(":")[0]: e.line for e in errors}
    assert lines["mode"] == 9 and lines["score"] == 10 and lines["min_matches"] == 11


def test_settings_errors(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "settings.yml": "thresholds: {spam: 1}\nallowed_domains: [not a domain]\ncolour: red\n",
            "a.yml": GOOD,
        }
    )
    assert {e.file for e in errors} == {"settings.yml"}
    text = " | ".join(e.message for e in errors)
    assert "colour" in text


def test_malformed_wildcard_domains_are_refused(errors_of: Errors) -> None:
    errors = errors_of(
        {"settings.yml": "allowed_domains: ['*.gov', '*.gov.*', 'gov', '*gov', 'gov.*', '*.*', '*.gov.*.*']\n", "a.yml": GOOD}
    )
    assert {e.file for e in errors} == {"settings.yml"}
    refused = " | ".join(e.message for e in errors)
    assert all(f"allowed_domains.{index}" in refused for index in (2, 3, 4, 5, 6)), refused
    assert "allowed_domains.0" not in refused and "allowed_domains.1" not in refused


def test_bad_template_in_allow_list(errors_of: Errors) -> None:
    error = only(errors_of({"settings.yml": "allow:\n  - ok phrase\n  - '{missing} thing'\n", "a.yml": GOOD}))
    assert "unknown lexicon" in error.message
    assert (error.file, error.line) == ("settings.yml", 3)


def test_every_error_of_a_broken_directory_at_once(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "lexicons/x.yml": "loop: ['{loop}']\n",
            "a.yml": "category: threat\nrules:\n  - {id: a, message: m, colour: red, words: [x], examples: {reject: [x]}}\n",
            "b.yml": "category: threat\nrules:\n  - {id: b, message: m, patterns: ['(('], examples: {reject: [x]}}\n",
            "c.yml": "category: threat\nrules: [\n",
            "d.yml": b"category: threat\n\xff\n",
            "e.yml": "category: threat\nrules:\n  - {id: e, message: m, templates: ['{nope}'], examples: {reject: [x]}}\n",
        }
    )
    assert {e.file for e in errors} >= {"lexicons/x.yml", "a.yml", "b.yml", "c.yml", "d.yml", "e.yml"}
    assert all(e.file for e in errors)


def test_examples_are_checked_after_structure(errors_of: Errors) -> None:
    """Two rules with failing examples in two files: both reported."""
    errors = errors_of(
        {
            "a.yml": "category: threat\nrules:\n  - {id: a, message: m, words: [x], examples: {reject: [y]}}\n",
            "b.yml": "category: threat\nrules:\n  - {id: b, message: m, words: [x], examples: {reject: [x], approve: [x]}}\n",
        }
    )
    assert sorted((e.file, e.rule) for e in errors) == [("a.yml", "a/a"), ("b.yml", "b/b")]


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError, match="does not exist"):
        load_ruleset(tmp_path / "nope")
    with pytest.raises(RuleSetError) as raised:
        load_ruleset(tmp_path)
    assert "no rule files" in str(raised.value)


def test_rule_error_formats() -> None:
    error = RuleError("bad", "a.yml", 3, "a/b")
    assert str(error) == "a.yml:3 [a/b]: bad"
    assert error.to_dict() == {"file": "a.yml", "line": 3, "rule": "a/b", "message": "bad"}
    assert str(RuleError("bad")) == "<rules>: bad"
    both = RuleSetError([RuleError("x", "a.yml", 1), RuleError("y", "b.yml", 2)])
    assert str(both) == "a.yml:1: x\nb.yml:2: y"


def test_bad_word_in_a_lexicon_list_names_lexicon_and_line(errors_of: Errors) -> None:
    errors = errors_of(
        {
            "lexicons/x.yml": "first: [a]\nsecond:\n  - fine\n  - 5\n  - ''\n",
            "x.yml": "category: threat\nrules:\n  - {id: a, message: m, words: ['{second}'], examples: {reject: [fine]}}\n",
        }
    )
    in_lexicon = [e for e in errors if e.file == "lexicons/x.yml"]
    assert [e.line for e in in_lexicon] == [4, 5]
    assert all("'second'" in e.message for e in in_lexicon)


def test_lexicon_of_the_wrong_shape_names_its_line(errors_of: Errors) -> None:
    error = only(
        errors_of(
            {
                "lexicons/x.yml": "first: [a]\nsecond: 5\n",
                "x.yml": "category: threat\nrules:\n  - {id: a, message: m, words: ['{first}'], examples: {reject: [a]}}\n",
            }
        )
    )
    assert "lexicon 'second' must be a list of words or a mapping" in error.message
    assert (error.file, error.line) == ("lexicons/x.yml", 2)


def _one_rule(body: str, header: str = "category: profanity\n") -> str:
    return header + "rules:\n  - {id: a, " + body + "}\n"


@pytest.mark.parametrize(
    ("source", "kind", "key"),
    [
        (_one_rule("message: m, wrds: [x], examples: {reject: [x]}"), ErrorKind.UNKNOWN_KEY, "wrds"),
        (_one_rule("words: [x], examples: {reject: [x]}"), ErrorKind.MISSING_KEY, "message"),
        (_one_rule("message: m, mode: loud, words: [x], examples: {reject: [x]}"), ErrorKind.BAD_VALUE, "mode"),
        ("category: profanity\nrules: [\n", ErrorKind.YAML_SYNTAX, None),
        (_one_rule("message: m, words: ['{nope}'], examples: {reject: [x]}"), ErrorKind.UNKNOWN_LEXICON, None),
        (_one_rule("message: m, words: [darn], examples: {reject: [heck]}"), ErrorKind.EXAMPLE_NOT_FIRED, None),
        (_one_rule("message: m, words: [darn], examples: {reject: [darn], approve: [oh darn]}"), ErrorKind.EXAMPLE_FIRED, None),
        (
            _one_rule("message: m, words: [darn], examples: {reject: [darn]}", "category: x\ncategory: threat\n"),
            ErrorKind.DUPLICATE_KEY,
            None,
        ),
    ],
)
def test_load_errors_carry_their_kind(errors_of: Errors, source: str, kind: ErrorKind, key: str | None) -> None:
    errors = errors_of({"x.yml": source})
    assert [(error.kind, error.key) for error in errors] == [(kind, key)], [str(error) for error in errors]


def test_rule_set_error_is_a_collection_not_a_located_error() -> None:
    both = RuleSetError([RuleError("x", "a.yml", 1)])
    assert not isinstance(both, RuleError)
    copy = RuleError.from_record(RuleError("y", "b.yml", 2, "b/c", ErrorKind.MISSING_KEY, "message").to_record())
    assert (copy.kind, copy.key, str(copy)) == (ErrorKind.MISSING_KEY, "message", "b.yml:2 [b/c]: y")


@pytest.mark.parametrize("template", ["kill (them|$)", "(,|them) die", "(^|so) kill them"])
def test_an_anchor_alone_as_an_alternative_is_refused_where_it_is_written(errors_of: Errors, template: str) -> None:
    # "(them|$)" would otherwise read as "them?" and match "kill" before any word at all.
    rule = f'  - id: a\n    message: m\n    templates: ["{template}"]\n    examples: {{reject: [kill them]}}\n'
    error = only(errors_of({"threats.yml": "category: threat\nrules:\n" + rule}))
    assert "cannot be an alternative" in error.message
    assert (error.file, error.rule) == ("threats.yml", "threats/a")
