"""The built wheel is self-contained: it carries the default rules and serves decisions from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

SERVE = """
import json, moderation
from moderation import create_app
app = create_app({"API_KEYS": "submit:packaged-test-key-123456"})
response = app.test_client().post(
    "/v1/comments", json={"text": "what the fuck"}, headers={"Authorization": "Bearer packaged-test-key-123456"}
)
print(json.dumps({"status": response.status_code, "body": response.get_json(), "package": moderation.__file__,
                  "rules_dir": app.config["RULES_DIR"]}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, unpacked as an installed package would be (its own site directory)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("comment_moderation-*.whl")
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MODERATION_")}
    # The unpacked wheel comes first on the path, ahead of the editable install of the checkout.
    env.update(PYTHONPATH=str(site), MODERATION_INSTANCE_PATH=str(cwd / "instance"))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_wheel_ships_every_default_rule_file(installed: Path) -> None:
    shipped = sorted(
        path.relative_to(installed / "moderation" / "rules").as_posix() for path in installed.glob("moderation/rules/**/*.yml")
    )
    in_checkout = sorted(path.relative_to(ROOT / "rules").as_posix() for path in (ROOT / "rules").glob("**/*.yml"))
    assert shipped == in_checkout


def test_the_installed_package_checks_its_shipped_rules(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "-c", "from moderation.cli import main; main()", "rules", "check", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["rules"] > 0
    assert Path(report["directory"]) == installed / "moderation" / "rules"


def test_the_installed_package_serves_decisions_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "-c", SERVE)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(answer["package"]).is_relative_to(installed)
    assert Path(answer["rules_dir"]) == installed / "moderation" / "rules"
    assert answer["status"] == 200
    assert answer["body"]["decision"] == "reject" and answer["body"]["categories"] == ["profanity"]
