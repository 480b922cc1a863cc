"""What each layer between the socket and the engine costs per POST /v1/comments, in CPU time, in one process.

Run with `.venv/bin/python benchmarks/http_layers.py [--rounds 2000] [--json]`. Each layer is timed alone
(time.thread_time, best of 3 rounds) on the same comment, and the whole request through Flask's test
client (no socket) on a SQLite log with synchronous=NORMAL and FULL, beside a bare Flask echo app.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

COMMENT = {"text": "What a thoughtful article, thank you. I disagree with the second point, though.", "site": "bench"}
KEY = "bench-submit-key"


def cpu_microseconds(call: Callable[[], object], rounds: int) -> float:
    """Best of three: CPU microseconds per call."""
    best = float("inf")
    for _ in range(3):
        started = time.thread_time()
        for _ in range(rounds):
            call()
        best = min(best, (time.thread_time() - started) / rounds * 1e6)
    return best


def view_layers(app: Any, raw: bytes, headers: dict[str, str], rounds: int) -> tuple[float, float]:
    """CPU µs of a whole request by the lean path and by the documented flask-smorest view, the decision stubbed out.

    With the engine and the log taken away, what is left is the request machinery and the layers around the view;
    the two are timed in alternating rounds so that the machine's other load falls on both alike.
    """
    import moderation.api.comments as comments

    client = app.test_client()
    lean_view = app.view_functions[comments.ENDPOINT]
    documented_view = comments.Comments.as_view("Comments")
    real_decide = comments.decide
    comments.decide = lambda batch, source: [{"decision": "approve"} for _ in batch]
    lean: list[float] = []
    documented: list[float] = []
    try:
        for _ in range(5):
            for view, found in ((lean_view, lean), (documented_view, documented)):
                app.view_functions[comments.ENDPOINT] = view
                found.append(
                    cpu_microseconds(functools.partial(client.post, "/v1/comments", data=raw, headers=headers), max(rounds // 4, 50))
                )
    finally:
        comments.decide = real_decide
        app.view_functions[comments.ENDPOINT] = lean_view
    return min(lean), min(documented)


def main(argv: list[str] | None = None) -> int:
    """Time every layer and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="JSON only")
    args = parser.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="http-layers-")
    os.environ.setdefault("MODERATION_INSTANCE_PATH", os.path.join(scratch, "instance"))

    from http_echo import app as echo_app

    from moderation import create_app
    from moderation.api.schemas import CommentSchema, DecisionSchema
    from moderation.engine.language import language_report
    from moderation.rulebook import get_rulebook
    from moderation.web.guards import parse_json_body

    raw = json.dumps(COMMENT).encode()
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    results: dict[str, float] = {}
    for synchronous in ("NORMAL", "FULL"):
        app = create_app(
            {
                "API_KEYS": f"submit:{KEY}",
                "DATABASE_URL": f"sqlite:///{scratch}/log-{synchronous}.sqlite3",
                "SQLITE_SYNCHRONOUS": synchronous,
            }
        )
        client = app.test_client()
        results[f"whole request, SQLite {synchronous}"] = cpu_microseconds(
            functools.partial(client.post, "/v1/comments", data=raw, headers=headers), max(args.rounds // 4, 50)
        )
    echo = echo_app.test_client()
    results["bare Flask echo, whole request"] = cpu_microseconds(lambda: echo.post("/v1/comments", data=raw, headers=headers), args.rounds)
    lean, documented = view_layers(app, raw, headers, args.rounds)
    results["view layers: lean path (decision stubbed)"] = lean
    results["view layers: documented view (decision stubbed)"] = documented
    with app.test_request_context("/v1/comments", method="POST", data=raw, headers=headers):
        keys = app.extensions["moderation.keys"]
        ruleset = get_rulebook().current
        comment_schema, decision_schema = CommentSchema(), DecisionSchema()
        body = parse_json_body(raw)
        decision = {**ruleset.evaluate(COMMENT["text"]).to_dict(), "decision_id": "0" * 26, "language": {}}
        decision["language"] = language_report(COMMENT["text"], ruleset.settings.languages).to_dict()
        results["auth: key digest and compare"] = cpu_microseconds(lambda: keys.authenticate(KEY), args.rounds)
        results["guard: strict JSON decode"] = cpu_microseconds(lambda: parse_json_body(raw), args.rounds)
        results["marshmallow: CommentSchema() (webargs made one per request; now once)"] = cpu_microseconds(CommentSchema, args.rounds)
        results["webargs/marshmallow: CommentSchema.load"] = cpu_microseconds(lambda: comment_schema.load(body), args.rounds)
        results["engine: evaluate + to_dict"] = cpu_microseconds(lambda: ruleset.evaluate(COMMENT["text"]).to_dict(), args.rounds)
        results["language detection"] = cpu_microseconds(lambda: language_report(COMMENT["text"], ruleset.settings.languages), args.rounds)
        results["flask-smorest: DecisionSchema.dump"] = cpu_microseconds(lambda: decision_schema.dump(decision), args.rounds)
        results["JSON encoding of the answer"] = cpu_microseconds(lambda: app.json.dumps(decision), args.rounds)
    rounded = {name: round(value, 1) for name, value in results.items()}
    if args.json:
        print(json.dumps(rounded, indent=2))
    else:
        for name, value in rounded.items():
            print(f"{name:50} {value:9.1f} µs CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
