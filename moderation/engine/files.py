"""Which files make a rule directory, read once: the loader compiles them, the cache keys on them, the watcher stats them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SETTINGS_FILE = "settings.yml"
LEXICON_DIR = "lexicons"
SITES_DIR = "sites"
SUFFIXES = (".yml", ".yaml")


def rule_file_paths(directory: str | Path, with_sites: bool = False) -> list[Path]:
    """The files a rule directory is loaded from, sorted: its *.yml/*.yaml files and those in lexicons/.

    `with_sites`: the site overlays in sites/ too (compiled apart, on the shared rules; the watcher sees them all).
    """
    root = Path(directory)
    found: list[Path] = []
    for folder in (root, root / LEXICON_DIR, *((root / SITES_DIR,) if with_sites else ())):
        if folder.is_dir():
            found.extend(path for path in folder.iterdir() if path.suffix in SUFFIXES and path.is_file())
    return sorted(found)


@dataclass(frozen=True, slots=True)
class RuleFiles:
    """The bytes of every file of a rule directory, by path relative to it, as read at one moment."""

    contents: dict[str, bytes]
    digest: str

    def lexicon_files(self) -> list[str]:
        """Relative paths of the lexicon files, sorted."""
        return [name for name in self.contents if name.startswith(f"{LEXICON_DIR}/")]

    def rule_files(self) -> list[str]:
        """Relative paths of the rule files (every top-level file but settings.yml), sorted."""
        return [name for name in self.contents if "/" not in name and name != SETTINGS_FILE]


def read_rule_files(directory: str | Path) -> RuleFiles:
    """Read every rule file once and hash path and bytes of each (the digest names the ruleset's version)."""
    root = Path(directory)
    contents: dict[str, bytes] = {}
    digest = hashlib.sha256()
    for path in rule_file_paths(root):
        relative = path.relative_to(root).as_posix()
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed since the listing: the directory as it is now has no such file
            continue
        contents[relative] = data
        digest.update(relative.encode() + b"\0" + data + b"\0")
    return RuleFiles(contents, digest.hexdigest())
