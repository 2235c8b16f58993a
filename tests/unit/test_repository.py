"""The repository stands on its own: its docs and code name nothing outside it,
and `make help` tells a newcomer every target."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Paths that climb out of the clone, and the private product notes it was built from.
OUTSIDE = re.compile(r"\.\./shared|shared/SPEC|\bSPEC\b|design-notes|STYLE\.md")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    skip = ("frontend/package-lock.json",)
    return [
        ROOT / name
        for name in listed.split("\0")
        if name and not name.startswith(skip) and (ROOT / name).is_file()
    ]


def test_no_tracked_file_refers_to_anything_outside_the_repository() -> None:
    offenders = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line) and path.name != Path(__file__).name:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_make_target_has_a_line_in_make_help() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = {name for name in re.findall(r"^([a-z][\w-]*):(?!=)", makefile, flags=re.MULTILINE)}
    helped = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip
    listed = set(re.findall(r"^  make (\S+) ", helped, flags=re.MULTILINE))
    assert targets == listed
    assert {"run", "test", "help"} <= listed
    for line in helped.splitlines():
        assert len(line.split(None, 2)) == 3, f"a target without its one line: {line!r}"
