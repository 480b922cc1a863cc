"""Decision-log write speed: decisions written per second from 1, 4 and 16 threads, this code against a baseline.

Run with `make bench-log` or `.venv/bin/python benchmarks/log_write.py [--json]`. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEXT = "What a thoughtful article, thank you. I will k1ll you if you print that again though, mate."
REASONS = [
    {"rule": "threats/kill-you", "category": "threat", "subcategory": None, "mode": "enforce", "matches": [{"start": 45, "end": 55}]},
    {"rule": "abuse/new-idea", "category": "abuse", "subcategory": "racism", "mode": "shadow", "matches": []},
]


def record(number: int) -> Any:
    """A log entry shaped like the one POST /v1/comments writes: two reasons, author with e-mail and IP.

    A (Submission, Decision) pair, as log_decisions takes it now; a dict for a tree from before that (a baseline).
    """
    fields: dict[str, Any] = {
        "source": "api",
        "site": "bench",
        "comment_id": f"c{number}",
        "language": "en",
        "text": TEXT,
        "author": {"id": f"u{number % 97}", "email": "ann@example.org", "ip": "192.0.2.1"},
        "article": {"id": "a1", "url": "https://news.example/a1"},
        "decision": "reject",
        "categories": ["threat"],
        "reasons": REASONS,
        "ruleset": "0123456789abcdef",
    }
    try:
        from moderation.engine.model import Decision, Match, Reason
        from moderation.storage import Submission
    except ImportError:
        return fields
    reasons = tuple(
        Reason(
            rule=reason["rule"],
            category=reason["category"],
            subcategory=reason["subcategory"],
            message="",
            mode=reason["mode"],
            score=1.0,
            matches=tuple(Match(m["start"], m["end"], TEXT[m["start"] : m["end"]]) for m in reason["matches"]),
        )
        for reason in REASONS
    )
    submission = Submission(
        source="api", text=TEXT, site="bench", comment_id=f"c{number}", language="en", author=fields["author"], article=fields["article"]
    )
    return submission, Decision("reject", ("threat",), reasons, "0123456789abcdef")


# --- one measurement, in a child process whose sys.path starts at one code tree ---------------------------


@contextmanager
def log_database(backend: str, pg_url: str, folder: Path) -> Iterator[str]:
    """A fresh, empty log: a SQLite file in folder, or a throw-away PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'log-{secrets.token_hex(4)}.sqlite3'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{secrets.token_hex(6)}"
    admin = create_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def measure(url: str, threads: int, seconds: float, synchronous: str | None) -> dict[str, Any]:
    """Threads each calling log_decisions([one record]) in a loop for `seconds`; decisions, wall and CPU time."""
    from moderation.storage import log_decisions, make_engine, upgrade_to_head

    engine = make_engine(url, sqlite_synchronous=synchronous) if synchronous else make_engine(url)
    upgrade_to_head(engine)
    for number in range(20):  # warm-up: connections, compiled statements, the writer thread
        log_decisions([record(number)], engine=engine, pii="hashed")
    counts = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def writer(slot: int) -> None:
        start.wait()
        written = 0
        while not stop.is_set():
            log_decisions([record(written)], engine=engine, pii="hashed")
            written += 1
        counts[slot] = written

    workers = [threading.Thread(target=writer, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
    engine.dispose()
    decisions = sum(counts)
    return {"decisions": decisions, "wall_s": wall, "cpu_s": cpu, "per_second": decisions / wall, "cpu_us": cpu / max(decisions, 1) * 1e6}


def child_main(arguments: argparse.Namespace) -> None:
    """Entry point of a child process: one measurement printed as one JSON line."""
    sys.path.insert(0, arguments.code)
    with tempfile.TemporaryDirectory() as folder, log_database(arguments.backend, arguments.pg_url, Path(folder)) as url:
        result = measure(url, arguments.threads, arguments.seconds, arguments.synchronous)
    print(json.dumps(result))


# --- the comparison, in the parent -------------------------------------------------------------------------


def export_tree(ref: str, into: Path) -> Path:
    """The moderation package as it is at a git ref, unpacked into a folder (the baseline's code)."""
    archive = subprocess.run(["git", "archive", "--format=tar", ref, "moderation"], cwd=PROJECT, capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def pg_reachable(pg_url: str) -> bool:
    """True when the PostgreSQL at pg_url accepts a connection."""
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(pg_url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no PostgreSQL to measure on
        return False


def run_child(code: Path, backend: str, threads: int, seconds: float, pg_url: str, synchronous: str | None) -> dict[str, Any]:
    """One measurement in a fresh interpreter that imports `moderation` from code."""
    command = [sys.executable, __file__, "--child", "--code", str(code), "--backend", backend, "--threads", str(threads)]
    command += ["--seconds", str(seconds), "--pg-url", pg_url]
    if synchronous:
        command += ["--synchronous", synchronous]
    finished = subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir())
    if finished.returncode != 0:
        raise SystemExit(f"benchmark child failed ({backend}, {threads} threads, {code}):\n{finished.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def variants(backend: str, baseline: Path | None) -> list[tuple[str, Path, str | None]]:
    """(name, code tree, SQLite synchronous setting) of every variant measured on a backend."""
    chosen: list[tuple[str, Path, str | None]] = []
    if baseline is not None:
        chosen.append(("before", baseline, None))
    chosen.append(("after", PROJECT, None))
    if backend == "sqlite":  # what the durable default costs against the crash-safe-only setting, same code
        chosen.append(("after, synchronous=NORMAL", PROJECT, "NORMAL"))
    return chosen


def compare(arguments: argparse.Namespace, baseline: Path | None, progress: bool) -> list[dict[str, Any]]:
    """Every backend, thread count and variant; rounds alternate between variants and the best round counts."""
    backends = ["sqlite"]
    if arguments.pg_url and pg_reachable(arguments.pg_url):
        backends.append("postgresql")
    elif progress:
        print("PostgreSQL not reachable: SQLite only", file=sys.stderr)
    rows = []
    for backend in backends:
        for threads in arguments.threads:
            best: dict[str, dict[str, Any]] = {}
            for round_number in range(arguments.rounds):
                for name, code, synchronous in variants(backend, baseline):
                    if progress:
                        print(f"  {backend}, {threads} threads, {name}, round {round_number + 1} ...", file=sys.stderr)
                    result = run_child(code, backend, threads, arguments.seconds, arguments.pg_url, synchronous)
                    if name not in best or result["per_second"] > best[name]["per_second"]:
                        best[name] = result
            for name, result in best.items():
                rows.append({"backend": backend, "threads": threads, "variant": name, **result})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The results as a text table; ratios are against `before` on the same backend and thread count."""
    before = {(row["backend"], row["threads"]): row for row in rows if row["variant"] == "before"}
    lines = [f"{'backend':<11} {'threads':>7}  {'variant':<26} {'decisions/s':>11} {'x before':>8} {'CPU µs/decision':>15}"]
    for row in rows:
        base = before.get((row["backend"], row["threads"]))
        ratio = f"{row['per_second'] / base['per_second']:.2f}" if base and row is not base else ""
        lines.append(
            f"{row['backend']:<11} {row['threads']:>7}  {row['variant']:<26} {row['per_second']:>11,.0f} {ratio:>8} {row['cpu_us']:>15,.0f}"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse the options; in the parent compare the variants, in a child measure one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=lambda value: [int(n) for n in value.split(",")], default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measurement (default 3)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds; the best counts (default 2)")
    parser.add_argument("--baseline", default="main", help="git ref of the code to compare with (default main; '' for none)")
    parser.add_argument("--pg-url", default=os.environ.get("MODERATION_TEST_DATABASE_URL", DEFAULT_PG_URL))
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--synchronous", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        arguments.threads = arguments.threads[0]
        child_main(arguments)
        return
    progress = sys.stderr.isatty() and not (arguments.quiet or arguments.json)
    with tempfile.TemporaryDirectory() as folder:
        baseline = None
        if arguments.baseline:
            try:
                baseline = export_tree(arguments.baseline, Path(folder))
            except (OSError, subprocess.CalledProcessError) as error:
                print(f"no baseline: git archive {arguments.baseline} failed ({error})", file=sys.stderr)
        rows = compare(arguments, baseline, progress)
    if arguments.json:
        print(json.dumps({"baseline": arguments.baseline or None, "seconds": arguments.seconds, "results": rows}, indent=2))
    else:
        print(table(rows))


if __name__ == "__main__":
    main()
