"""`.env.example` lists every variable the settings read, so an operator who copies it misses
nothing (issue 2: "`.env.example` lists every variable")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(r"""\benv_(?:str|int|bool|list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
LISTED = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def test_every_variable_the_settings_read_is_in_env_example() -> None:
    read = set(READ.findall((ROOT / "torget" / "settings.py").read_text(encoding="utf-8")))
    listed = set(LISTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    assert len(read) > 20  # the pattern still finds the settings' own helpers
    assert sorted(read - listed) == []


def test_env_example_names_nothing_the_settings_ignore() -> None:
    read = set(READ.findall((ROOT / "torget" / "settings.py").read_text(encoding="utf-8")))
    listed = set(LISTED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    assert sorted(listed - read) == []
