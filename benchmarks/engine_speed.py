"""Engine speed on eval/dev.csv: CPU and wall time per comment and per length bucket, better-profanity side by side.

Also the cost of a 10,000-word list and the CPU time to compile the default rules.

Run with `make bench` or `.venv/bin/python benchmarks/engine_speed.py [--json]`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from moderation.config import DEFAULT_RULES_DIR  # noqa: E402
from moderation.engine import Ruleset, RuleSetError, load_ruleset  # noqa: E402

DEFAULT_CSV = PROJECT.parent / "shared" / "eval" / "dev.csv"
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
BIG_LIST_SIZE = 10_000
TARGETS = {
    "speedup_vs_better_profanity": 250.0,
    "comments_per_cpu_second": 6_500.0,
    "big_list_cost_ratio": 1.5,
    "compile_cpu_seconds": 1.0,
}
# Comment lengths in characters: the upper bound of each bucket (the last takes the rest).
LENGTH_BUCKETS = (80, 200, 500, 2_000)


def read_comments(path: Path, limit: int | None) -> list[str]:
    """The text column of the evaluation CSV."""
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row.get("text")]
    return texts[:limit] if limit else texts


def time_each(function: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    """CPU seconds of this thread per call of function on each text (time.thread_time: other processes do not count)."""
    clock = time.thread_time
    timings = []
    for text in texts:
        started = clock()
        function(text)
        timings.append(clock() - started)
    return timings


def bucket_of(length: int) -> str:
    """The name of the length bucket a comment of `length` characters falls in."""
    lower = 0
    for upper in LENGTH_BUCKETS:
        if length <= upper:
            return f"{lower + 1}-{upper}"
        lower = upper
    return f"> {LENGTH_BUCKETS[-1]}"


def by_length(texts: Sequence[str], timings: Sequence[float]) -> dict[str, dict[str, float]]:
    """Mean CPU µs per comment and comments per CPU-second in each length bucket."""
    buckets: dict[str, list[float]] = {}
    for text, seconds in zip(texts, timings, strict=True):
        buckets.setdefault(bucket_of(len(text)), []).append(seconds)
    order = [bucket_of(upper) for upper in LENGTH_BUCKETS] + [bucket_of(LENGTH_BUCKETS[-1] + 1)]
    return {
        name: {
            "comments": len(buckets[name]),
            "mean_cpu_us": statistics.fmean(buckets[name]) * 1e6,
            "comments_per_cpu_second": len(buckets[name]) / sum(buckets[name]),
        }
        for name in order
        if name in buckets and sum(buckets[name]) > 0
    }


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def engine_run(ruleset: Ruleset, texts: Sequence[str], rounds: int) -> dict[str, Any]:
    """Full evaluate() over every comment; the pass with the least CPU time of `rounds` counts, its wall time beside."""
    for text in texts[:500]:  # warm-up: caches, branch predictors, lazily built tables
        ruleset.evaluate(text)
    best: list[float] | None = None
    best_cpu, best_wall = float("inf"), float("inf")
    for _ in range(rounds):
        wall_started = time.perf_counter()
        timings = time_each(ruleset.evaluate, texts)
        wall = time.perf_counter() - wall_started
        if sum(timings) < best_cpu:
            best, best_cpu, best_wall = timings, sum(timings), wall
    assert best is not None
    rejected = sum(ruleset.evaluate(text).rejected for text in texts)
    return {
        "comments": len(texts),
        "rejected": rejected,
        "comments_per_cpu_second": len(texts) / best_cpu,
        "comments_per_second": len(texts) / best_wall,
        "mean_us": statistics.fmean(best) * 1e6,
        "p50_us": percentile(best, 0.50) * 1e6,
        "p99_us": percentile(best, 0.99) * 1e6,
        "max_us": max(best) * 1e6,
        "by_length": by_length(texts, best),
        "rounds": rounds,
    }


# Run in a fresh interpreter, so that imports and lazily loaded word lists count as they do at start-up.
_COMPILE_PROBE = """
import sys, time
started = time.process_time()
from moderation.engine import load_ruleset
cache = sys.argv[3] if len(sys.argv) > 3 else None
load_ruleset(sys.argv[1], check_examples=sys.argv[2] == "examples", cache_dir=cache, reuse=cache is not None)
print(time.process_time() - started)
"""


def compile_run(rules: Path) -> dict[str, Any]:
    """CPU seconds of a fresh process to import the engine and compile the rules (examples checked or not), or load them cached."""

    def probe(*arguments: str) -> float:
        output = subprocess.run(
            [sys.executable, "-c", _COMPILE_PROBE, str(rules), *arguments], cwd=PROJECT, check=True, capture_output=True, text=True
        )
        return float(output.stdout.strip().splitlines()[-1])

    # The engine's bytecode compiled first, as an installed package has it (pip compiles it at install time):
    # with PYTHONDONTWRITEBYTECODE set, every fresh process would otherwise compile its source again (~0.07 s).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PROJECT / "moderation")], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as cache:
        cold = min(probe("examples") for _ in range(2))
        unchecked = min(probe("no-examples") for _ in range(2))
        probe("examples", cache)  # fills the cache
        cached = min(probe("examples", cache) for _ in range(2))
    return {"cold_cpu_seconds": cold, "cold_unchecked_cpu_seconds": unchecked, "cached_cpu_seconds": cached}


def better_profanity_run(ruleset: Ruleset, sample: Sequence[str]) -> dict[str, Any]:
    """better-profanity's contains_profanity and the engine's evaluate on the same sample, same process."""
    from better_profanity import profanity

    profanity.load_censor_words()
    for text in sample[:3]:
        profanity.contains_profanity(text)
    for text in sample:
        ruleset.evaluate(text)
    theirs = time_each(profanity.contains_profanity, sample)
    ours = time_each(ruleset.evaluate, sample)
    version = _version("better-profanity")
    return {
        "version": version,
        "sample": len(sample),
        "mean_us": statistics.fmean(theirs) * 1e6,
        "p99_us": percentile(theirs, 0.99) * 1e6,
        "engine_mean_us": statistics.fmean(ours) * 1e6,
        "engine_p99_us": percentile(ours, 0.99) * 1e6,
        "speedup": statistics.fmean(theirs) / statistics.fmean(ours),
    }


def _version(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def big_word_list(size: int) -> tuple[list[str], str]:
    """`size` words for the big-list rule: rare English words from wordfreq when installed, else pseudo-words."""
    try:
        from wordfreq import top_n_list  # type: ignore[import-not-found]
    except ImportError:
        generator = random.Random(20261128)
        words: set[str] = set()
        consonants, vowels = "bcdfghjklmnpqrstvwxz", "aeiouy"
        while len(words) < size:
            # "qz" plus consonant-vowel syllables: pronounceable, and no English word starts with "qz".
            syllables = "".join(generator.choice(consonants) + generator.choice(vowels) for _ in range(generator.randint(2, 4)))
            words.add("qz" + syllables)
        return sorted(words), "pseudo-words (qz + 2-4 random consonant-vowel syllables, seeded); wordfreq is not installed"
    common = top_n_list("en", 200_000)
    rare = [word for word in common[50_000:] if word.isascii() and word.isalpha() and len(word) > 3]
    return rare[:size], "wordfreq: English words ranked 50,000 and below by frequency (alphabetic, 4+ letters)"


def ruleset_with_big_list(words: Sequence[str], rules: Path, directory: Path) -> Ruleset:
    """The default rules plus one rule whose lexicon holds `words` (a temp copy; rules/ is not touched)."""
    shutil.copytree(rules, directory)
    lexicon = {"bench_big_list": {"description": "benchmark only", "words": list(words)}}
    (directory / "lexicons" / "bench_big_list.yml").write_text(json.dumps(lexicon), encoding="utf-8")
    rule_file = {
        "category": "profanity",
        "rules": [
            {
                "id": "big-list",
                "message": "Benchmark: a 10,000-word list",
                "words": ["{bench_big_list}"],
                "examples": {"reject": [f"this is {words[0]} here"], "approve": ["a perfectly ordinary sentence"]},
            }
        ],
    }
    (directory / "bench_big_list.yml").write_text(json.dumps(rule_file), encoding="utf-8")
    return load_ruleset(directory)


def word_list_run(default: Ruleset, rules: Path, texts: Sequence[str], rounds: int) -> dict[str, Any]:
    """Mean µs per comment with the default list and with 10,000 more words, alternating passes."""
    words, source = big_word_list(BIG_LIST_SIZE)
    with tempfile.TemporaryDirectory() as temp:
        started = time.perf_counter()
        big = ruleset_with_big_list(words, rules, Path(temp) / "rules")
        load_seconds = time.perf_counter() - started
    for ruleset in (default, big):
        for text in texts[:500]:
            ruleset.evaluate(text)
    means: dict[str, list[float]] = {"default": [], "big": []}
    for _ in range(rounds):
        for name, ruleset in (("default", default), ("big", big)):
            means[name].append(statistics.fmean(time_each(ruleset.evaluate, texts)) * 1e6)
    default_us, big_us = min(means["default"]), min(means["big"])
    return {
        "extra_words": len(words),
        "source": source,
        "comments": len(texts),
        "default_mean_us": default_us,
        "big_mean_us": big_us,
        "ratio": big_us / default_us,
        "big_list_load_seconds": load_seconds,
        "big_rejected": sum(big.evaluate(text).rejected for text in texts),
        "default_rejected": sum(default.evaluate(text).rejected for text in texts),
    }


def table(result: dict[str, Any]) -> str:
    """A readable table of the results."""
    engine, bp, big, compile_ = result["engine"], result["better_profanity"], result["word_list"], result["compile"]
    met = result["targets_met"]

    def mark(ok: bool) -> str:
        return "yes" if ok else "NO"

    rows = [
        ("dataset", f"{result['dataset']['path']} ({engine['comments']} comments, {engine['rejected']} rejected)"),
        ("ruleset", f"{result['ruleset']['directory']}: version {result['ruleset']['version']} ({result['ruleset']['rules']} rules)"),
        (
            "engine comments/CPU-s",
            f"{engine['comments_per_cpu_second']:,.0f}  "
            f"(target >= {TARGETS['comments_per_cpu_second']:,.0f}: {mark(met['comments_per_cpu_second'])})",
        ),
        ("engine comments/s (wall)", f"{engine['comments_per_second']:,.0f}  (other processes on the machine slow this one)"),
        ("engine CPU mean / p50 / p99", f"{engine['mean_us']:.1f} / {engine['p50_us']:.1f} / {engine['p99_us']:.1f} µs per comment"),
        ("engine CPU max", f"{engine['max_us']:.1f} µs"),
        *(
            (
                f"  {name} characters",
                f"{row['comments']:>5} comments, {row['mean_cpu_us']:8.1f} µs CPU, {row['comments_per_cpu_second']:8,.0f}/CPU-s",
            )
            for name, row in engine["by_length"].items()
        ),
        (f"better-profanity {bp['version']}", f"{bp['mean_us']:,.0f} µs mean (p99 {bp['p99_us']:,.0f}) on a sample of {bp['sample']}"),
        ("engine on that sample", f"{bp['engine_mean_us']:.1f} µs mean (p99 {bp['engine_p99_us']:.1f})"),
        (
            "speedup vs better-profanity",
            f"{bp['speedup']:,.0f}x in CPU time  "
            f"(target >= {TARGETS['speedup_vs_better_profanity']:.0f}x: {mark(met['speedup_vs_better_profanity'])})",
        ),
        ("default list", f"{big['default_mean_us']:.1f} µs per comment"),
        (f"+{big['extra_words']:,} words", f"{big['big_mean_us']:.1f} µs per comment ({big['source']})"),
        ("10k-word list / default", f"{big['ratio']:.2f}x  (target < 1.5x: {mark(met['big_list_cost_ratio'])})"),
        (
            "compile the rules",
            f"{compile_['cold_cpu_seconds']:.2f} s CPU in a fresh process (target <= {TARGETS['compile_cpu_seconds']:.0f} s: "
            f"{mark(met['compile_cpu_seconds'])}), {compile_['cold_unchecked_cpu_seconds']:.2f} s without checking the examples, "
            f"{compile_['cached_cpu_seconds']:.2f} s from the disk cache",
        ),
        ("python", result["python"]),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="evaluation CSV (default: ../shared/eval/dev.csv)")
    parser.add_argument("--sample", type=int, default=300, help="comments for better-profanity (about 69 ms each)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the data; the fastest counts")
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES_DIR, help="rule directory (default: the project's rules/)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N comments")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {RESULTS.relative_to(PROJECT)}")
    args = parser.parse_args(argv)

    if not args.csv.is_file():
        message = f"{args.csv} is absent: nothing to benchmark (the evaluation data lives beside the project in shared/eval/)."
        print(json.dumps({"skipped": True, "reason": message}) if args.json else message)
        return 0
    texts = read_comments(args.csv, args.limit)
    try:
        ruleset = load_ruleset(args.rules)
    except RuleSetError as error:
        print(f"The rules in {args.rules} do not load:\n{error}", file=sys.stderr)
        return 1
    # As the service does after loading (gunicorn.conf.py): the compiled rules are never scanned by the
    # collector again, so a full collection during a pass (50-60 ms here) does not count against a comment.
    gc.collect()
    gc.freeze()
    sample = random.Random(7).sample(texts, min(args.sample, len(texts)))
    if not args.json:
        print(f"Benchmarking {len(texts)} comments from {args.csv} (better-profanity on {len(sample)}; takes about a minute)...")

    engine = engine_run(ruleset, texts, args.rounds)
    bp = better_profanity_run(ruleset, sample)
    big = word_list_run(ruleset, args.rules, texts, args.rounds)
    compiled = compile_run(args.rules)
    result: dict[str, Any] = {
        "dataset": {"path": str(args.csv), "comments": len(texts)},
        "python": f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}",
        "ruleset": {"directory": str(args.rules), "version": ruleset.version, "rules": len(ruleset.rules)},
        "engine": engine,
        "better_profanity": bp,
        "word_list": big,
        "compile": compiled,
        "targets": TARGETS,
        "targets_met": {
            "speedup_vs_better_profanity": bp["speedup"] >= TARGETS["speedup_vs_better_profanity"],
            "comments_per_cpu_second": engine["comments_per_cpu_second"] >= TARGETS["comments_per_cpu_second"],
            "compile_cpu_seconds": compiled["cold_cpu_seconds"] <= TARGETS["compile_cpu_seconds"],
            "big_list_cost_ratio": big["ratio"] < TARGETS["big_list_cost_ratio"],
        },
    }
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
        if not args.no_save:
            print(f"\nJSON saved to {RESULTS.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
