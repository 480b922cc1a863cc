"""docs/nginx.conf, the documented reverse proxy, is a configuration nginx accepts (skipped without nginx)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "docs" / "nginx.conf"


@pytest.mark.skipif(shutil.which("nginx") is None or shutil.which("openssl") is None, reason="needs nginx and openssl")
def test_nginx_accepts_the_example_configuration(tmp_path: Path) -> None:
    # nginx -t loads the certificate: a throwaway self-signed one stands in for the real paths.
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=moderation.example.org",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    text = CONF.read_text(encoding="utf-8")
    assert "/etc/ssl/moderation/privkey.pem" in text and "/etc/ssl/moderation/fullchain.pem" in text
    text = text.replace("/etc/ssl/moderation/privkey.pem", str(key)).replace("/etc/ssl/moderation/fullchain.pem", str(cert))
    text = text.replace("/tmp/moderation-nginx.pid", str(tmp_path / "nginx.pid"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    result = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
