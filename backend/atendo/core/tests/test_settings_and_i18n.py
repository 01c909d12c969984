"""Settings are secure by default; every backend message is translated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[3]
LOCALE = BACKEND / "atendo" / "locale"


def _settings_probe(env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    code = f"import django; from django.conf import settings; django.setup(); print({expression})"
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BACKEND,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "atendo.config.settings", **env},
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_probe({}, "settings.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_defaults_are_secure():
    result = _settings_probe(
        {"SECRET_KEY": "x" * 50},
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, "
        "settings.ATENDO_ALLOWED_HOSTS, settings.DEBUG",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True 31536000 [] False"


def test_debug_mode_is_explicit_and_local():
    result = _settings_probe(
        {"DEBUG": "true"}, "settings.SESSION_COOKIE_SECURE, 'localhost' in settings.ATENDO_ALLOWED_HOSTS"
    )
    assert result.stdout.strip() == "False True"


@pytest.mark.parametrize("language", ["pt_BR", "es"])
def test_every_message_is_translated(language):
    po = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    assert entries, "empty catalogue"
    untranslated = [e for e in entries if 'msgstr ""' in e and e.rstrip().endswith('msgstr ""')]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert untranslated == []
    assert fuzzy == []


def test_catalogues_cover_every_message_in_the_code(tmp_path):
    """Run makemessages into a copy and compare msgids: a new string without translation fails."""
    import re
    import shutil

    work = tmp_path / "atendo"
    shutil.copytree(BACKEND / "atendo", work, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
    subprocess.run(
        [sys.executable, str(BACKEND / "manage.py"), "makemessages", "-l", "es", "--no-obsolete"],
        cwd=work,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(BACKEND)},
        timeout=120,
    )

    def msgids(path: Path) -> set[str]:
        text = path.read_text()
        found = set()
        for block in re.findall(r'msgid ((?:".*"\n)+)msgstr', text):
            found.add("".join(re.findall(r'"(.*)"', block)))
        return found - {""}

    expected = msgids(work / "locale" / "es" / "LC_MESSAGES" / "django.po")
    for language in ("es", "pt_BR"):
        assert expected <= msgids(LOCALE / language / "LC_MESSAGES" / "django.po"), language
