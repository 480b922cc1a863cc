"""HTTP speed: POST /v1/comments against a bare Flask echo app, both under the project's gunicorn.conf.py, in one run.

Run with `make bench-http` or `.venv/bin/python benchmarks/http_speed.py [--seconds 8] [--json]`. It starts
gunicorn on loopback for: the echo app (benchmarks/http_echo.py), the service on SQLite with
synchronous=FULL (the default) and NORMAL, and on PostgreSQL when reachable (a scratch database made
and dropped on the server of --pg-url). Load: wrk when installed, else a bounded asyncio client, 16
keep-alive connections. It also reports RSS (and PSS, what a worker costs beyond what it shares) per
worker, the time from starting gunicorn to the first answered POST with unchanged rules, and p99
during a hot reload against p99 before it. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import Load, percentile, python_load, wrk_load

PROJECT = Path(__file__).resolve().parent.parent
SERVED = PROJECT  # the checkout whose service is measured (--project): another one to compare, back to back
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KEY = "bench-submit-key"
COMMENT: dict[str, object] = {"text": "What a thoughtful article, thank you. I disagree with the second point, though.", "site": "bench"}
GTHREAD = {"MODERATION_WORKER_CLASS": "gthread"}
HEADERS = {"Authorization": f"Bearer {KEY}"}
# --stubbed: these targets again, served by benchmarks/http_stubbed.py (the engine answers from a one-entry cache).
STUBBED = {"sqlite_full": "sqlite_full_stubbed", "postgresql": "postgresql_stubbed"}
COMPILER_PROCESS = "rules-compiler"  # moderation.rulebook.compiler.PROCESS_NAME, without importing the service


@dataclass
class Server:
    """A running gunicorn: its base URL, master pid and how long it took to answer its first POST."""

    base: str
    master: int
    first_answer_seconds: float


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post_once(base: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """POST the benchmark comment once; its JSON answer, or None when nothing answered 200."""
    request = urllib.request.Request(
        base + "/v1/comments", data=json.dumps(COMMENT).encode(), headers={**HEADERS, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer: dict[str, Any] = json.loads(response.read())
            return answer if response.status == 200 else None
    except (OSError, ValueError):
        return None


@contextmanager
def serve(app: str, scratch: Path, env: dict[str, str], workers: int) -> Iterator[Server]:
    """gunicorn -c gunicorn.conf.py `app` on a free loopback port until the block ends."""
    port = free_port()
    environment = {
        **os.environ,
        "MODERATION_BIND": f"127.0.0.1:{port}",
        "MODERATION_WORKERS": str(workers),
        "MODERATION_API_KEYS": f"submit:{KEY}",
        "MODERATION_INSTANCE_PATH": str(scratch / "instance"),
        **env,
    }
    # The served checkout's own interpreter (its venv), so --project DIR measures that checkout's code.
    python = SERVED / ".venv" / "bin" / "python"
    command = [
        str(python) if python.exists() else sys.executable,
        *("-m", "gunicorn", "-c", str(SERVED / "gunicorn.conf.py"), "--pythonpath", str(PROJECT / "benchmarks"), app),
    ]
    base = f"http://127.0.0.1:{port}"
    with (scratch / f"gunicorn-{port}.log").open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=SERVED, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            while post_once(base, timeout=1.0) is None:
                if process.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError(f"gunicorn did not start: see {log.name}")
                time.sleep(0.01)
            yield Server(base, process.pid, time.perf_counter() - started)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def worker_memory(master: int, compiler: bool = False) -> list[dict[str, float]]:
    """RSS and PSS (MB) of each worker of a gunicorn master, from /proc (with `compiler`: of its rules compiler instead)."""
    found = []
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    for pid in children:
        try:
            if (Path(f"/proc/{pid}/comm").read_text().strip() == COMPILER_PROCESS) != compiler:
                continue  # the master's warm rules compiler is no worker (moderation.rulebook.compiler)
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
        found.append({"pid": float(pid), "rss_mb": rss / 1024, "pss_mb": pss / 1024})
    return found


def workers_cpu_seconds(master: int) -> float:
    """User plus system CPU seconds used so far by the workers of a gunicorn master, every thread included."""
    total = 0
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == COMPILER_PROCESS:
                continue
            # Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def run_load(server: Server, seconds: float, connections: int, tool: str) -> tuple[Load, float]:
    """The load of one measurement, after a second of warm-up, and the workers' CPU µs per answered request in it."""
    url = server.base + "/v1/comments"
    python_load(url, COMMENT, HEADERS, connections, 1.0)
    before = workers_cpu_seconds(server.master)
    load = wrk_load(url, COMMENT, HEADERS, connections, seconds) if tool != "python" else None
    load = load or python_load(url, COMMENT, HEADERS, connections, seconds)
    used = workers_cpu_seconds(server.master) - before
    return load, used / load.requests * 1e6 if load.requests else 0.0


def summary(load: Load) -> dict[str, Any]:
    """The figures of one load run."""
    return {
        "tool": load.tool,
        "requests_per_second": round(load.per_second, 1),
        "p50_ms": round(load.percentile(0.5), 2),
        "p99_ms": round(load.percentile(0.99), 2),
        "errors": load.errors,
    }


@contextmanager
def scratch_database(url: str) -> Iterator[str | None]:
    """A fresh database on the PostgreSQL server of `url`, dropped afterwards; None when the server is unreachable."""
    try:
        import psycopg
    except ImportError:
        yield None
        return
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"http_speed_{os.getpid()}"
    try:
        admin = psycopg.connect(plain, autocommit=True, connect_timeout=3)
    except psycopg.Error:
        yield None
        return
    with admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield url.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def measure_reload(scratch: Path, connections: int, seconds: float, say: Any) -> dict[str, Any]:
    """p99 before and during a rule change, and how long until every answer names the new ruleset."""
    rules = scratch / "rules"
    subprocess.run(["cp", "-r", str(SERVED / "rules"), str(rules)], check=True)
    env = {"MODERATION_RULES_DIR": str(rules), "MODERATION_DATABASE_URL": f"sqlite:///{scratch / 'reload.sqlite3'}"}
    with serve("wsgi:app", scratch, env, 2) as server:
        old = post_once(server.base)
        assert old is not None
        changed_at: list[float] = []

        def change() -> None:
            time.sleep(seconds / 3)
            with (rules / "threats.yml").open("a", encoding="utf-8") as handle:
                handle.write("\n# a change for the hot-reload measurement\n")
            changed_at.append(time.perf_counter())

        changer = threading.Thread(target=change, daemon=True)
        began = time.perf_counter()
        changer.start()
        load = python_load(server.base + "/v1/comments", COMMENT, HEADERS, connections, seconds)
        changer.join()
    change_t = changed_at[0] - began
    before = [latency for at, latency, _ in load.answers if at < change_t]
    new_versions = {version for at, _, version in load.answers if at > change_t and version != old["ruleset"]}
    last_old = max((at for at, _, version in load.answers if version == old["ruleset"]), default=change_t)
    switched = last_old - change_t
    during = [latency for at, latency, _ in load.answers if change_t <= at <= last_old + 0.5]
    result: dict[str, Any] = {
        "switch_seconds": round(switched, 2),
        "new_version_served": bool(new_versions),
        "p99_before_ms": round(percentile(before, 0.99), 2),
        "p99_during_ms": round(percentile(during, 0.99), 2),
        "errors": load.errors,
    }
    result["p99_ratio"] = round(result["p99_during_ms"] / result["p99_before_ms"], 2) if result["p99_before_ms"] else None
    say(
        f"hot reload: every answer on the new rules {switched:.2f} s after the change; p99 {result['p99_before_ms']} ms before, "
        f"{result['p99_during_ms']} ms during (x{result['p99_ratio']})"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each measured load (default 8)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tool", choices=["auto", "python"], default="auto", help="auto: wrk when installed")
    parser.add_argument("--pg-url", default=os.environ.get("MODERATION_TEST_DATABASE_URL", DEFAULT_PG_URL))
    parser.add_argument("--gthread", action="store_true", help="also the service with gthread workers (SQLite, FULL)")
    parser.add_argument(
        "--stubbed",
        action="store_true",
        help="also SQLite FULL and PostgreSQL with the engine stubbed (benchmarks/http_stubbed.py): the path without the engine",
    )
    parser.add_argument("--no-reload", action="store_true", help="skip the hot-reload measurement")
    parser.add_argument("--project", type=Path, default=PROJECT, help="serve this checkout (its .venv), e.g. main to compare")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated targets to measure (echo always runs): sqlite_full,sqlite_normal,postgresql (and *_stubbed)",
    )
    parser.add_argument("--json", action="store_true", help="JSON only")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    global SERVED
    SERVED = args.project.resolve()
    only = {name for name in args.only.split(",") if name}
    unknown = only - {"echo", "sqlite_full", "sqlite_full_gthread", "sqlite_normal", "postgresql", *STUBBED.values()}
    if unknown:  # a misspelt target would otherwise measure the echo app alone, silently
        parser.error(f"--only: unknown target(s) {', '.join(sorted(unknown))}")
    if args.stubbed:  # --only sqlite_full --stubbed: that target, and it stubbed
        only |= {STUBBED[name] for name in only if name in STUBBED}
    quiet = args.quiet or args.json

    def say(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr, flush=True)

    results: dict[str, Any] = {"project": str(SERVED), "connections": args.connections, "workers": args.workers, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="http-speed-") as temporary:
        scratch = Path(temporary)
        sqlite = f"sqlite:///{scratch / 'log.sqlite3'}"
        say("warming the compiled-rules cache (a first start compiles when the rules changed)")
        with serve("wsgi:app", scratch, {"MODERATION_DATABASE_URL": sqlite}, args.workers):
            pass
        with serve("wsgi:app", scratch, {"MODERATION_DATABASE_URL": sqlite}, args.workers) as server:
            results["first_answer_seconds"] = round(server.first_answer_seconds, 2)
        say(f"start to first answered POST, rules unchanged: {results['first_answer_seconds']} s")
        targets: list[tuple[str, str, dict[str, str]]] = [
            ("echo", "http_echo:app", {}),
            *(
                [("sqlite_full_gthread", "wsgi:app", {"MODERATION_DATABASE_URL": sqlite, "MODERATION_WORKER_CLASS": "gthread"})]
                if args.gthread
                else []
            ),
            ("sqlite_full", "wsgi:app", {"MODERATION_DATABASE_URL": sqlite, "MODERATION_SQLITE_SYNCHRONOUS": "FULL"}),
            ("sqlite_normal", "wsgi:app", {"MODERATION_DATABASE_URL": sqlite, "MODERATION_SQLITE_SYNCHRONOUS": "NORMAL"}),
        ]
        with scratch_database(args.pg_url) as pg_url:
            if pg_url:
                targets.append(("postgresql", "wsgi:app", {"MODERATION_DATABASE_URL": pg_url}))
            else:
                say(f"PostgreSQL not reachable at {args.pg_url}: skipped")
            if args.stubbed:
                targets += [(STUBBED[name], "http_stubbed:app", env) for name, _, env in list(targets) if name in STUBBED]
            for name, app, env in targets:
                if only and name != "echo" and name not in only:
                    continue
                with serve(app, scratch, env, args.workers) as server:
                    load, cpu_per_request = run_load(server, args.seconds, args.connections, args.tool)
                    memory = worker_memory(server.master)
                    compiler = worker_memory(server.master, compiler=True)
                results[name] = {**summary(load), "worker_cpu_us_per_request": round(cpu_per_request, 1), "workers_memory_mb": memory}
                if compiler:
                    results[name]["compiler_memory_mb"] = compiler[0]
                if name != "echo":
                    results[name]["ratio_to_echo"] = round(load.per_second / results["echo"]["requests_per_second"], 3)
                    echo_cpu = results["echo"]["worker_cpu_us_per_request"]
                    results[name]["cpu_ratio_to_echo"] = round(echo_cpu / cpu_per_request, 3) if cpu_per_request else None
                per_worker = ", ".join(f"{m['rss_mb']:.0f}/{m['pss_mb']:.0f}" for m in memory)
                say(
                    f"{name:14} {results[name]['requests_per_second']:8.0f} req/s  p50 {results[name]['p50_ms']:6.2f} ms  "
                    f"p99 {results[name]['p99_ms']:6.2f} ms  ratio {results[name].get('ratio_to_echo', 1.0):.3f}  "
                    f"worker CPU {cpu_per_request:5.0f} µs/request  errors {load.errors}  "
                    f"RSS/PSS per worker {per_worker} MB  ({load.tool})"
                    + (f"; rules compiler {compiler[0]['rss_mb']:.0f}/{compiler[0]['pss_mb']:.0f} MB" if compiler else "")
                )
        if not args.no_reload:
            results["hot_reload"] = measure_reload(scratch, args.connections, max(args.seconds, 9.0), say)
    if args.json or not quiet:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
