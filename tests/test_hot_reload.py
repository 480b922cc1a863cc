"""Hot reload: the watcher picks up changed rule files, refuses broken ones, and a real gunicorn serves through it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from moderation import create_app
from moderation.engine import RuleSetError
from moderation.rulebook import RuleBook, fingerprint, get_rulebook

PROJECT = Path(__file__).resolve().parent.parent


THREATS = """\
category: threat
rules:
  - id: kill-you
    message: Threat to kill
    phrases: ["i will kill you", "i will hurt you"]
    examples:
      reject: ["I will kill you"]
      approve: ["I would kill for a coffee"]
"""

PROFANITY = """\
category: profanity
rules:
  - id: swear
    message: Profanity
    words: [fuck, shit]
    examples:
      reject: ["what the fuck"]
      approve: ["Scunthorpe United won"]
"""

# A rule to append to THREATS: on trial, recorded but never deciding.
SHADOW_RULE = """\
  - id: fruit
    message: Fruit talk (trial run)
    mode: shadow
    words: [pineapple]
    examples:
      reject: ["pineapple on pizza"]
"""


# The same file with a typo on line 4 ("mesage"): loading must refuse it and say where.
PROFANITY_TYPO = PROFANITY.replace("    message: Profanity", "    mesage: Profanity")


def write_rules(directory: Path, profanity: str = PROFANITY, threats: str = THREATS) -> Path:
    """A small self-contained rule directory (the suite must not depend on the default rules' content)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "threats.yml").write_text(threats, encoding="utf-8")
    (directory / "profanity.yml").write_text(profanity, encoding="utf-8")
    return directory


@pytest.fixture
def app_config(app_config: dict[str, object], tmp_path: Path) -> dict[str, object]:
    return {**app_config, "RULES_DIR": str(write_rules(tmp_path / "rules"))}


def replace_file(path: Path, text: str) -> None:
    """Write a file the way careful editors do: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_check_for_changes_reloads_refuses_and_recovers(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    book = RuleBook(str(rules))
    first = book.current.version
    assert book.check_for_changes(settle=0) is False

    replace_file(rules / "profanity.yml", PROFANITY.replace("[fuck, shit]", "[fuck, shit, bollocks]"))
    assert book.check_for_changes(settle=0) is True
    second = book.current.version
    assert second != first
    assert book.last_error is None

    replace_file(rules / "profanity.yml", PROFANITY_TYPO)
    assert book.check_for_changes(settle=0) is True
    assert book.current.version == second, "a refused load keeps the last good ruleset"
    assert book.failure is not None
    problems = [problem.to_dict() for problem in book.failure.error.errors]
    assert {"file": "profanity.yml", "line": 4, "rule": "profanity/swear", "message": "mesage: unknown key"} in problems
    # The same broken files are not loaded again at every poll.
    assert book.check_for_changes(settle=0) is False

    replace_file(rules / "profanity.yml", PROFANITY)
    assert book.check_for_changes(settle=0) is True
    assert book.current.version == first
    assert book.last_error is None


def test_reload_raises_and_keeps_the_old_ruleset(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    book = RuleBook(str(rules))
    old = book.current
    (rules / "threats.yml").write_text("category: threat\nrules: [", encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        book.reload()
    assert caught.value.errors[0].file == "threats.yml"
    assert book.current is old


def test_fingerprint_sees_new_removed_and_lexicon_files(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    before = fingerprint(rules)
    (rules / "lexicons").mkdir()
    (rules / "lexicons" / "extra.yml").write_text("extra: [a]\n", encoding="utf-8")
    with_lexicon = fingerprint(rules)
    assert with_lexicon != before
    assert any(entry[0] == "lexicons/extra.yml" for entry in with_lexicon)
    (rules / "notes.txt").write_text("not a rule file", encoding="utf-8")
    assert fingerprint(rules) == with_lexicon
    (rules / "lexicons" / "extra.yml").unlink()
    assert fingerprint(rules) == before


def test_testing_apps_start_no_watcher(app: Flask) -> None:
    with app.app_context():
        book = get_rulebook()
        assert book.watcher is None
        assert book.interval == 0


def test_bad_interval_is_refused(app_config: dict[str, object], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="RULES_RELOAD_INTERVAL"):
        create_app({**app_config, "RULES_DIR": str(write_rules(tmp_path / "rules")), "RULES_RELOAD_INTERVAL": "soon"})


@pytest.fixture
def watched_app(app_config: dict[str, object], tmp_path: Path) -> Iterator[Flask]:
    rules = write_rules(tmp_path / "watched")
    app = create_app({**app_config, "RULES_DIR": str(rules), "RULES_RELOAD_INTERVAL": 0.05})
    yield app
    app.extensions["moderation.rules"].stop_watching()


def _wait_for(condition: Any, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    for _ in range(1000):
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return False


def test_watcher_thread_picks_up_changes_and_refusals(watched_app: Flask) -> None:
    book: RuleBook = watched_app.extensions["moderation.rules"]
    assert book.watcher is not None and book.watcher.is_alive()
    rules = Path(book.directory)
    first = book.current.version

    replace_file(rules / "threats.yml", THREATS.replace('"i will hurt you"', '"i will hurt you", "i will end you"'))
    assert _wait_for(lambda: book.current.version != first), "the watcher did not reload within 10 s"
    assert book.current.evaluate("I will end you").decision == "reject"
    second = book.current.version

    replace_file(rules / "profanity.yml", PROFANITY_TYPO)
    assert _wait_for(lambda: book.failure is not None), "the watcher did not report the broken file"
    assert book.current.version == second
    client = watched_app.test_client()
    health = client.get("/v1/health").get_json()
    assert health["status"] == "degraded"
    assert "profanity.yml:4" in health["rules_error"]


# --- a real server -------------------------------------------------------------------------------

KEYS = "submit:hot-submit-key,admin:hot-admin-key"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(base: str, method: str, path: str, key: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Authorization": f"Bearer {key}"})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Poster(threading.Thread):
    """Posts comments one after another (a new connection each) and records every answer."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.results: list[tuple[float, int, str | None]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        for number in range(20_000):  # bounded by count as well as by the stop event
            if self.stop.is_set():
                return
            try:
                status, body = _call(self.base, "POST", "/v1/comments", "hot-submit-key", {"text": f"comment {number}: I will end you"})
            except OSError as error:
                self.failures.append(repr(error))
                continue
            self.results.append((time.monotonic(), status, body.get("ruleset")))
            if status != 200:
                self.failures.append(f"{status}: {body}")


@pytest.mark.slow
def test_gunicorn_workers_pick_up_rule_changes_without_a_failed_request(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MODERATION_API_KEYS": KEYS,
        "MODERATION_RULES_DIR": str(rules),
        "MODERATION_DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "MODERATION_INSTANCE_PATH": str(tmp_path / "instance"),
        "MODERATION_RULES_RELOAD_INTERVAL": "1",
    }
    # No --reuse-port: each worker would listen on a socket of its own, and a replaced one would reset what it queued.
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}"]
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen([*command, "wsgi:app"], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
    poster = Poster(base)
    try:
        assert _wait_for(lambda: _up(base), 30), f"gunicorn did not start: {(tmp_path / 'gunicorn.log').read_text()[-2000:]}"
        status, before = _call(base, "GET", "/v1/rules", "hot-admin-key")
        assert status == 200
        old = before["version"]
        poster.start()
        assert _wait_for(lambda: len(poster.results) >= 5, 10)

        replace_file(rules / "threats.yml", THREATS.replace('"i will hurt you"', '"i will hurt you", "i will end you"'))
        changed_at = time.monotonic()
        new = _wait_for_every_worker(base, lambda body: body["version"] != old)
        assert new is not None, "not every worker reloaded within 10 s"
        version = new["version"]
        # Every decision made after all workers reported the new version carries it.
        # (Half a second of margin for requests that were already in flight.)
        settled = time.monotonic() + 0.5
        assert _wait_for(lambda: sum(1 for at, _, _ in poster.results if at > settled) >= 20, 10)
        late = [(status, ruleset) for at, status, ruleset in poster.results if at > settled]
        assert all(ruleset == version for _, ruleset in late), late
        assert time.monotonic() - changed_at < 15

        replace_file(rules / "profanity.yml", PROFANITY_TYPO)
        broken = _wait_for_every_worker(base, lambda body: body["load_error"] is not None)
        assert broken is not None, "not every worker reported the broken file within 10 s"
        assert broken["version"] == version, "a refused reload keeps the last good ruleset"
        assert any(e["file"] == "profanity.yml" and e["line"] == 4 for e in broken["load_error"]["errors"])
        status, decision = _call(base, "POST", "/v1/comments", "hot-submit-key", {"text": "I will end you"})
        assert status == 200
        assert decision["decision"] == "reject"
        assert decision["ruleset"] == version
    finally:
        poster.stop.set()
        poster.join(15)
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()
    assert poster.failures == [], poster.failures[:5]
    assert len(poster.results) >= 25


def _up(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/v1/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_for_every_worker(base: str, condition: Any, seconds: float = 10.0) -> dict[str, Any] | None:
    """GET /v1/rules on fresh connections until both workers serve with `condition` true.

    Workers may reload in place or be replaced by new ones (a preloading gunicorn master forks fresh
    workers), so it waits for two workers by pid meeting the condition and none of the last 10
    answers failing it.
    """
    deadline = time.monotonic() + seconds
    meeting: dict[int, dict[str, Any]] = {}
    recent: list[bool] = []
    for _ in range(2000):
        status, body = _call(base, "GET", "/v1/rules", "hot-admin-key")
        assert status == 200, body
        met = bool(condition(body))
        recent = [*recent[-9:], met]
        if met:
            meeting[body["process"]["pid"]] = body
        if len(meeting) >= 2 and len(recent) == 10 and all(recent):
            return body
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)
    return None


# --- compiled once, off the caller's heap ---------------------------------------------------------------------


def test_compile_in_child_writes_the_cache_and_reports_errors(tmp_path: Path) -> None:
    from moderation.rulebook.compile_child import compile_in_child

    # Files of their own: rules that another test compiled would come from memory, not be compiled here.
    rules = write_rules(tmp_path / "rules", profanity=PROFANITY + f"# {tmp_path.name}\n")
    cache = tmp_path / "cache"
    ruleset = compile_in_child(rules, cache)
    assert ruleset.evaluate("I will kill you").decision == "reject"
    assert [path.suffix for path in cache.iterdir()] == [".pickle"], "the child wrote the compiled ruleset"
    assert ruleset.version == RuleBook(str(rules), cache_dir=str(cache), memo=False).current.version
    (rules / "threats.yml").write_text("category: threat\nrules: [", encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        compile_in_child(rules, cache)
    assert caught.value.errors[0].file == "threats.yml"


def test_a_rulebook_with_a_cache_dir_loads_what_an_earlier_one_compiled(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules", profanity=PROFANITY + f"# {tmp_path.name}\n")
    cache = tmp_path / "cache"
    first = RuleBook(str(rules), cache_dir=str(cache), memo=False)
    (written,) = cache.iterdir()
    stamp = written.stat().st_mtime_ns
    second = RuleBook(str(rules), cache_dir=str(cache), memo=False)
    assert second.current.version == first.current.version
    assert second.current is not first.current, "memo=False: no ruleset is shared in memory"
    assert written.stat().st_mtime_ns == stamp, "the second load read the cache instead of compiling and writing"


def test_the_warm_compiler_process_compiles_into_the_cache_and_reports_errors(tmp_path: Path) -> None:
    from moderation.rulebook.compiler import PROCESS_NAME, start_compiler

    rules = write_rules(tmp_path / "rules", profanity=PROFANITY + f"# {tmp_path.name}\n")
    cache = tmp_path / "cache"
    compiler = start_compiler([])
    assert compiler is not None
    try:
        ruleset = compiler.compile(rules, cache)
        assert Path(f"/proc/{compiler.pid}/comm").read_text().strip() == PROCESS_NAME or sys.platform != "linux"
        assert ruleset.evaluate("I will kill you").decision == "reject"
        assert [path.suffix for path in cache.iterdir()] == [".pickle"], "the compiler process wrote the compiled ruleset"
        (rules / "threats.yml").write_text("category: threat\nrules: [", encoding="utf-8")
        with pytest.raises(RuleSetError) as caught:
            compiler.compile(rules, cache)
        assert caught.value.errors[0].file == "threats.yml"
        assert compiler.alive
    finally:
        os.kill(compiler.pid, 9)
        os.waitpid(compiler.pid, 0)
    # Once it is gone, a reload compiles in a fresh child instead.
    write_rules(rules, profanity=PROFANITY + "# changed\n")
    assert compiler.compile(rules, cache).evaluate("I will kill you").decision == "reject"
    assert not compiler.alive


def test_the_warm_compiler_process_ends_when_the_master_closes_its_pipe(tmp_path: Path) -> None:
    from moderation.rulebook.compiler import start_compiler

    compiler = start_compiler([])
    assert compiler is not None
    compiler._requests.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pid, _status = os.waitpid(compiler.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.05)
    assert pid == compiler.pid
