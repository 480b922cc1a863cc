"""The eval command: figures on a small CSV written here, JSON output and the error listing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from moderation.cli.eval_report import Counts
from moderation.cli.evaluate import eval_command, read_rows

RULES = {
    "profanity.yml": """
category: profanity
rules:
  - id: swear
    message: Swearing
    words: [badword]
    examples:
      reject: ["a badword here"]
      approve: ["a good word here"]
""",
    "promotion.yml": """
category: promotion
rules:
  - id: link
    message: Link
    detectors: [link]
    examples:
      reject: ["see shop.example.com"]
      approve: ["see you"]
""",
}

# expected, categories, source, note, text -> what the rules above decide
ROWS = [
    ("reject", "profanity", "hatecheck", "spell_leet_h", "this is badword"),  # true positive
    ("approve", "", "hatecheck", "ident_neutral_nh", "hello there"),  # true negative
    ("reject", "personal_attack", "forum", "", "nice day"),  # miss
    ("approve", "", "forum", "", "badword again"),  # false positive
    ("reject", "promotion", "spam", "", "visit shop.example.com now"),  # true positive
]


def write_rules(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "rules", RULES)


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    rows = [
        [f"row{index}", source, text, expected, categories, note]
        for index, (expected, categories, source, note, text) in enumerate(ROWS, start=1)
    ]
    return write_csv(tmp_path / "small.csv", ["id", "source", "text", "expected", "categories", "note"], rows)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(eval_command, list(args))
    return result.exit_code, result.output


def test_text_report_has_the_right_figures(csv_file: Path, rules_dir: Path) -> None:
    code, output = run(str(csv_file), "--rules", str(rules_dir))
    assert code == 0, output
    lines = {line.split()[0]: line.split() for line in output.splitlines() if line.strip()}
    # 2 true positives, 1 false positive, 1 miss, 1 true negative.
    assert lines["overall"][1:6] == ["5", "0.667", "0.667", "0.667", "50.0%"]
    assert lines["forum"][1:6] == ["2", "0.000", "0.000", "0.000", "100.0%"]
    assert lines["hatecheck"][1:6] == ["2", "1.000", "1.000", "1.000", "0.0%"]
    assert lines["spam"][1:3] == ["1", "1.000"]
    assert lines["profanity"][1:4] == ["1", "1.000", "1.000"]
    assert lines["personal_attack"][1:4] == ["1", "0.000", "0.000"]
    assert lines["promotion"][1:4] == ["1", "1.000", "1.000"]
    assert "must approve" in output and "accuracy 100.0%" in output
    assert "recall 100.0%" in output
    assert "misses" not in output


def test_json_report(csv_file: Path, rules_dir: Path) -> None:
    code, output = run(str(csv_file), "--rules", str(rules_dir), "--json")
    assert code == 0, output
    report = json.loads(output)
    overall = report["overall"]
    assert (overall["tp"], overall["fp"], overall["fn"], overall["tn"]) == (2, 1, 1, 1)
    assert overall["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["false_positive_rate"] == 0.5
    assert report["by_category"]["personal_attack"] == {"rows": 1, "rejected": 0, "recall": 0.0, "attributed": 0, "attribution": 0.0}
    assert report["by_category"]["promotion"]["attribution"] == 1.0
    assert report["by_note"]["ident_neutral_nh"]["accuracy"] == 1.0
    assert report["hatecheck_spelling"]["recall"] == 1.0
    assert "misses" not in report


def test_errors_lists_misses_and_false_positives(csv_file: Path, rules_dir: Path) -> None:
    code, output = run(str(csv_file), "--rules", str(rules_dir), "--json", "--errors", "5")
    assert code == 0, output
    report = json.loads(output)
    assert [miss["text"] for miss in report["misses"]] == ["nice day"]
    assert [fp["text"] for fp in report["false_positives"]] == ["badword again"]
    assert report["false_positives"][0]["rules"] == ["profanity/swear"]
    code, output = run(str(csv_file), "--rules", str(rules_dir), "--errors", "1")
    assert "misses (1, showing 1)" in output and "[row3] personal_attack | - | nice day" in output
    assert "false positives (1, showing 1)" in output and "profanity/swear | badword again" in output


def test_minimal_csv_with_text_and_expected_only(tmp_path: Path, rules_dir: Path) -> None:
    path = tmp_path / "minimal.csv"
    path.write_text("text,expected\nbadword,reject\nfine,approve\n", encoding="utf-8")
    code, output = run(str(path), "--rules", str(rules_dir), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["overall"]["accuracy"] == 1.0
    assert report["by_source"] == {} and report["by_note"] == {}


def test_bad_csv_is_refused(tmp_path: Path, rules_dir: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("comment,label\nhello,approve\n", encoding="utf-8")
    code, output = run(str(path), "--rules", str(rules_dir))
    assert code != 0 and "missing column(s) expected, text" in output
    path.write_text("text,expected\nhello,maybe\n", encoding="utf-8")
    code, output = run(str(path), "--rules", str(rules_dir))
    assert code != 0 and "expected must be approve or reject" in output


def test_broken_rules_are_reported(csv_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "profanity.yml").write_text("category: profanity\nrules: [{id: x, message: m, words: [a]}]\n", encoding="utf-8")
    code, output = run(str(csv_file), "--rules", str(broken))
    assert code != 0 and "error(s)" in output


def test_read_rows_and_counts(csv_file: Path) -> None:
    rows = read_rows(csv_file)
    assert [row.expected for row in rows] == [row[0] for row in ROWS]
    assert rows[0].categories == ("profanity",) and rows[1].categories == ()
    empty = Counts()
    assert empty.precision is None and empty.recall is None and empty.f1 is None and empty.false_positive_rate is None


def test_registered_on_the_moderation_command() -> None:
    from moderation.cli import main

    result = CliRunner().invoke(main, ["eval", "--help"])
    assert result.exit_code == 0 and "--errors" in result.output


# The same rule with examples that repeat rows of REPEAT_ROWS (two of them) and one too short to count.
REPEAT_RULES = RULES["profanity.yml"].replace(
    'reject: ["a badword here"]', 'reject: ["  This is BADWORD! ", "you said badword in a very long sentence", "a badword"]'
)

# The first row equals an example but for case, spacing and punctuation; the second contains the long
# example; the third contains "a badword", which is too short to count as a repeat inside a longer text.
REPEAT_ROWS = [
    ("dup", "this   is badword", "reject"),
    ("long", "Well, YOU SAID   badword in a very long sentence, didn't you", "reject"),
    ("short", "there was a badword somewhere", "reject"),
    ("other", "a good day", "approve"),
]


@pytest.fixture
def repeat_rules_dir(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "repeat-rules", {"profanity.yml": REPEAT_RULES})


@pytest.fixture
def repeat_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "repeat.csv", ["id", "text", "expected"], [list(row) for row in REPEAT_ROWS])


def test_repeated_examples_are_listed(repeat_csv: Path, repeat_rules_dir: Path) -> None:
    code, output = run(str(repeat_csv), "--rules", str(repeat_rules_dir))
    assert code == 0, output
    assert f"Rule examples that repeat comments of {repeat_csv}: 2" in output
    assert 'profanity/swear  "This is BADWORD!"  (dup)' in output
    assert 'profanity/swear  "you said badword in a very long sentence"  (long)' in output
    assert "(short)" not in output


def test_repeated_examples_in_json(repeat_csv: Path, repeat_rules_dir: Path) -> None:
    code, output = run(str(repeat_csv), "--rules", str(repeat_rules_dir), "--json")
    assert code == 0, output
    assert json.loads(output)["repeated_examples"] == [
        {"rule": "profanity/swear", "example": "  This is BADWORD! ", "row": "dup"},
        {"rule": "profanity/swear", "example": "you said badword in a very long sentence", "row": "long"},
    ]


def test_no_repeats_still_prints_the_count(csv_file: Path, rules_dir: Path) -> None:
    code, output = run(str(csv_file), "--rules", str(rules_dir), "--fail-on-repeats")
    assert code == 0, output
    assert output.rstrip().endswith(f"Rule examples that repeat comments of {csv_file}: 0")
    code, output = run(str(csv_file), "--rules", str(rules_dir), "--json")
    assert json.loads(output)["repeated_examples"] == []


def test_fail_on_repeats_exits_1_only_with_repeats(repeat_csv: Path, repeat_rules_dir: Path) -> None:
    code, output = run(str(repeat_csv), "--rules", str(repeat_rules_dir), "--fail-on-repeats")
    assert code == 1 and "repeat comments" in output
    code, output = run(str(repeat_csv), "--rules", str(repeat_rules_dir), "--json", "--fail-on-repeats")
    assert code == 1 and len(json.loads(output)["repeated_examples"]) == 2
