"""Load generators of benchmarks/http_speed.py: wrk when installed, else a bounded asyncio client; loopback only.

Both keep `connections` keep-alive connections busy with the same POST for `seconds` and report
requests per second and latency percentiles. The Python client also keeps each answer's time and the
ruleset it names, which the hot-reload measurement needs.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_REQUESTS = 2_000_000  # a bound on what one run may send, whatever the duration


@dataclass
class Load:
    """What one load run measured."""

    tool: str
    seconds: float
    requests: int
    errors: int
    latencies_ms: list[float] = field(default_factory=list)
    answers: list[tuple[float, float, str]] = field(default_factory=list)  # (sent at, latency ms, ruleset)
    wrk_percentiles: dict[str, float] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        """Answered requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Latency in ms at a share (0.5, 0.99) of the requests."""
        if self.wrk_percentiles:
            return self.wrk_percentiles[f"{share * 100:g}"]
        return percentile(self.latencies_ms, share)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def check_loopback(url: str) -> tuple[str, int]:
    """Host and port of a loopback URL; anything else is refused (the benchmark loads only this machine)."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK or parts.port is None:
        raise ValueError(f"only loopback addresses are loaded: {url}")
    return parts.hostname, parts.port


def request_bytes(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One keep-alive HTTP/1.1 POST."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


_RULESET = re.compile(rb'"ruleset":\s*"([^"]*)"')


async def _connection(host: str, port: int, payload: bytes, until: float, load: Load, started: float, budget: list[int]) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.perf_counter() < until and budget[0] > 0:
        budget[0] -= 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            sent = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
            body = await reader.readexactly(length)
            latency = (time.perf_counter() - sent) * 1000
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                load.errors += 1
            else:
                load.requests += 1
                load.latencies_ms.append(latency)
                found = _RULESET.search(body)
                load.answers.append((sent - started, latency, found.group(1).decode() if found else ""))
            if re.search(rb"(?i)connection:\s*close", head):
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError, AttributeError):
            load.errors += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def python_load(url: str, body: dict[str, object], headers: dict[str, str], connections: int, seconds: float) -> Load:
    """`connections` keep-alive connections from one asyncio loop, each sending the next request on an answer."""
    host, port = check_loopback(url)
    payload = request_bytes(host, urlsplit(url).path, json.dumps(body).encode(), headers)
    load = Load("python-asyncio", seconds, 0, 0)

    async def run() -> None:
        started = time.perf_counter()
        budget = [MAX_REQUESTS]
        until = started + seconds
        await asyncio.gather(*(_connection(host, port, payload, until, load, started, budget) for _ in range(connections)))
        load.seconds = time.perf_counter() - started

    asyncio.run(run())
    return load


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{headers}
"""


def wrk_load(url: str, body: dict[str, object], headers: dict[str, str], connections: int, seconds: float) -> Load | None:
    """The same load with wrk (2 threads), or None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    check_loopback(url)
    lua = WRK_SCRIPT.format(
        body=json.dumps(json.dumps(body)), headers="\n".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    )
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(lua, encoding="utf-8")
        command = [wrk, "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s", str(script), url]
        output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    return parse_wrk(output, seconds)


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str, seconds: float) -> Load:
    """wrk --latency's report as a Load."""
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    percentiles = {share: _milliseconds(value) for share, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M)}
    return Load(
        "wrk", total / rate if rate else seconds, total - (int(non_2xx.group(1)) if non_2xx else 0), errors, wrk_percentiles=percentiles
    )
