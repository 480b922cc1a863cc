"""The command line the lexicon generators share: write the generated file, or check that it is up to date."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def run(argv: list[str] | None, *, doc: str, build: Callable[[], str], output: Path, script: str, summary: Callable[[str], str]) -> int:
    """Write OUTPUT from BUILD(), or with --check exit 1 when the committed file differs from it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is not what would be written")
    parser.add_argument("--output", type=Path, default=output, help="file to write (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run python scripts/{script}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    if not args.quiet:
        print(f"wrote {args.output}: {summary(text)}")
    return 0
