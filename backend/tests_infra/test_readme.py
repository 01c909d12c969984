"""The README's configuration tables list every environment variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_read_from_the_environment_is_documented() -> None:
    settings = (ROOT / "backend" / "atendo" / "config" / "settings.py").read_text()
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r'env\.(?:str|bool|int|list|float|db)\(\s*"([A-Z0-9_]+)"', settings))
    assert names, "no environment variables found: the pattern is stale"
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []
