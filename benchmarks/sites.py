"""Cost of site overlays: compiling one on the shared ruleset, and evaluating with it, against the shared rules in the same run.

Run with `make bench-sites` or `.venv/bin/python benchmarks/sites.py [--json]`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from moderation.config import DEFAULT_RULES_DIR  # noqa: E402
from moderation.engine import Ruleset  # noqa: E402
from moderation.engine.loader import RuleLoader  # noqa: E402
from moderation.engine.overlay import SiteLoader  # noqa: E402

DEFAULT_CSV = PROJECT.parent / "shared" / "eval" / "dev.csv"
TARGET_EVAL_RATIO = 1.2
# The two overlays and a regional edition whose own news domain is no promotion.
OVERLAYS = {
    "sport": "disable: [profanity]\n",
    "kids": """\
rules:
  - id: mild-words
    category: profanity
    message: Mild words are not for the children's pages
    words: [darn, heck]
    examples:
      reject: ["darn it, we lost"]
      approve: ["a fine day at the zoo"]
""",
    "north": "allowed_domains: [northern-echo.co.uk]\nthresholds: {promotion: 0.5}\nsafe_words: [shitake]\n",
}


def read_comments(path: Path, limit: int | None) -> list[str]:
    """The text column of the evaluation CSV."""
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row.get("text")]
    return texts[:limit] if limit else texts


def cpu(function: Callable[[], object]) -> float:
    """CPU seconds of one call (this process; no other thread runs)."""
    started = time.process_time()
    function()
    return time.process_time() - started


def compile_costs(directory: Path) -> tuple[Ruleset, dict[str, Ruleset], dict[str, float]]:
    """CPU seconds to compile the shared rules from scratch and each overlay on them (examples checked in both)."""
    loaders: dict[str, Any] = {}
    shared_holder: list[Ruleset] = []
    costs = {"shared": cpu(lambda: shared_holder.append(RuleLoader(directory).load()))}
    shared = shared_holder[0]
    sites: dict[str, Ruleset] = {}
    for name in OVERLAYS:
        loaders[name] = SiteLoader(shared, directory)
        path = directory / "sites" / f"{name}.yml"
        costs[name] = cpu(lambda name=name, path=path: sites.__setitem__(name, loaders[name].load_site(path)))
        if sites[name] is None:
            raise SystemExit(f"overlay {name} does not load: {[str(error) for error in loaders[name].errors.errors]}")
    return shared, sites, costs


def eval_costs(rulesets: dict[str, Ruleset], texts: Sequence[str], rounds: int) -> dict[str, float]:
    """Least CPU seconds of a pass over every comment, per ruleset; passes interleave, in a rotating order, so that drift hits all alike."""
    for ruleset in rulesets.values():
        for text in texts[:300]:  # warm-up: memos and lazily built tables
            ruleset.evaluate(text)
    best = dict.fromkeys(rulesets, float("inf"))
    names = list(rulesets)
    for number in range(rounds):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            evaluate = rulesets[name].evaluate
            best[name] = min(best[name], cpu(lambda evaluate=evaluate: [evaluate(text) for text in texts]))
    return best


def run(rules: Path, texts: Sequence[str], rounds: int) -> dict[str, Any]:
    """Both measurements on a temporary copy of the rules with the overlays added."""
    with tempfile.TemporaryDirectory(prefix="bench-sites-") as scratch:
        directory = Path(scratch) / "rules"
        shutil.copytree(rules, directory, ignore=shutil.ignore_patterns("sites"))
        (directory / "sites").mkdir()
        for name, text in OVERLAYS.items():
            (directory / "sites" / f"{name}.yml").write_text(text, encoding="utf-8")
        shared, sites, compiled = compile_costs(directory)
    evaluated = eval_costs({"shared": shared, **sites}, texts, rounds)
    policies = {"shared": shared, **sites}
    decisions = {name: sum(ruleset.evaluate(text).rejected for text in texts) for name, ruleset in policies.items()}
    # Matching steps (tokens, readings, trie look-ups, chart steps): the same on any machine, whatever its load.
    work = {name: sum(ruleset.assess(text).work for text in texts) for name, ruleset in policies.items()}
    return {
        "comments": len(texts),
        "rounds": rounds,
        "compile_cpu_s": compiled,
        "compile_ratio": {name: compiled[name] / compiled["shared"] for name in OVERLAYS},
        "eval_cpu_s": evaluated,
        "eval_us_per_comment": {name: seconds / len(texts) * 1e6 for name, seconds in evaluated.items()},
        "eval_ratio": {name: evaluated[name] / evaluated["shared"] for name in OVERLAYS},
        "work": work,
        "work_ratio": {name: work[name] / work["shared"] for name in OVERLAYS},
        "rejected": decisions,
        "target_eval_ratio": TARGET_EVAL_RATIO,
    }


def table(result: dict[str, Any]) -> str:
    """The result as a readable table."""
    lines = [
        f"{result['comments']} comments, fastest of {result['rounds']} passes, CPU time",
        "",
        f"{'policy':<8} {'compile s':>10} {'of shared':>10} {'eval µs/comment':>16} {'of shared':>10} "
        f"{'work':>11} {'of shared':>10} {'rejected':>9}",
    ]
    for name in ("shared", *OVERLAYS):
        compile_ratio = "" if name == "shared" else f"{result['compile_ratio'][name]:.3f}x"
        eval_ratio = "" if name == "shared" else f"{result['eval_ratio'][name]:.3f}x"
        work_ratio = "" if name == "shared" else f"{result['work_ratio'][name]:.3f}x"
        lines.append(
            f"{name:<8} {result['compile_cpu_s'][name]:>10.3f} {compile_ratio:>10} "
            f"{result['eval_us_per_comment'][name]:>16.1f} {eval_ratio:>10} "
            f"{result['work'][name]:>11} {work_ratio:>10} {result['rejected'][name]:>9}"
        )
    worst = max(result["eval_ratio"].values())
    verdict = "within" if worst <= result["target_eval_ratio"] else "OVER"
    lines += ["", f"worst overlay evaluation ratio {worst:.3f}x: {verdict} the {result['target_eval_ratio']}x target"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="evaluation CSV (default: ../shared/eval/dev.csv)")
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES_DIR, help="shared rule directory (default: the project's rules/)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the data per policy; the fastest counts")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N comments")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)
    if not args.csv.exists():
        message = f"{args.csv} not found: nothing to benchmark (pass --csv PATH)"
        print(json.dumps({"skipped": True, "reason": message}) if args.json else message)
        return 0
    texts = read_comments(args.csv, args.limit)
    if not (args.json or args.quiet):
        print(f"Compiling the rules and {len(OVERLAYS)} overlays, then {args.rounds} passes over {len(texts)} comments per policy...")
    result = run(args.rules, texts, args.rounds)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
