"""The repository explains itself: no tracked file cites a document a person who clones it does not have.

The product, the architecture and security are in docs/ (README.md says where); the working notes the
project started from are not part of the repository, so naming them (or a path beside the checkout)
sends a reader nowhere. A link between the repository's own Markdown files must also reach a file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# The outside documents by name, a path beside the checkout, and the bare "SPEC …"/"DESIGN …" shorthand.
OUTSIDE = re.compile(r"\b(?:API|SPEC|DESIGN)\.md\b|\.\./shared\b|(?<![\w/.-])shared/(?:SPEC|API|DESIGN|seed)\b|\bSPEC\b|\bDESIGN\b")
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".gz", ".zip", ".pdf"}
SKIPPED_NAMES = {"package-lock.json"}


def tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [p for p in out.split("\0") if p]


def test_no_tracked_file_cites_a_document_outside_the_repository() -> None:
    found = []
    for path in tracked():
        file = ROOT / path
        if path == THIS or file.suffix.lower() in SKIPPED_SUFFIXES or file.name in SKIPPED_NAMES or not file.is_file():
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path}:{number}: {line.strip()[:120]}")
    assert not found, "cite docs/ or README.md instead:\n" + "\n".join(found)


def test_the_pattern_catches_each_form_and_nothing_ordinary() -> None:
    for cited in ('(API.md "Personal data")', "see ../shared/SPEC.md", "SPEC screen 22", 'DESIGN "Parity"', "shared/seed/manual.md"):
        assert OUTSIDE.search(cited), cited
    for ordinary in ("spec = importlib.util.spec_from_file_location", "docs/product.md", "openapi spec", "layers/common/shared.py", "Design"):
        assert not OUTSIDE.search(ordinary), ordinary


def test_links_between_the_repositorys_markdown_files_reach_a_file() -> None:
    broken = []
    for path in tracked():
        if not path.endswith(".md") or "node_modules" in path:
            continue
        file = ROOT / path
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", file.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            if not (file.parent / target).exists():
                broken.append(f"{path}: {target}")
    assert not broken, "\n".join(broken)
