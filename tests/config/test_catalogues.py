"""The translation catalogues stay complete: every message of the code, templates and
scripts is in each language's catalogue, translated, not fuzzy, and compiled.

The messages are collected as a developer collects them (``makemessages``, with GNU
gettext's xgettext), from a copy of the sources, so that the test never changes the
catalogues it checks."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCES = ["accounts", "awards", "config", "demo", "frontend", "outreach", "voting", "manage.py"]
DOMAINS = ["django", "djangojs"]
# Every language but the source language, with gettext's name of it (zh-hans: zh_Hans).
LANGUAGES = sorted(code.replace("-hans", "_Hans") for code, _ in settings.LANGUAGES if code != "en")

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed"
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """The catalogues as makemessages leaves them after collecting today's messages."""
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    shutil.copytree(ROOT / "locale", copy / "locale")
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--all",
                "--domain",
                domain,
                "--no-obsolete",
                "--verbosity",
                "0",
            ],
            cwd=copy,
            check=True,
        )
    return copy / "locale"


def catalogue(locale: Path, language: str, domain: str) -> polib.POFile:
    return polib.pofile(str(locale / language / "LC_MESSAGES" / f"{domain}.po"))


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(collected, language, domain):
    po = catalogue(collected, language, domain)

    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"{language} {domain}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language} {domain}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_in_the_repository_is_up_to_date_and_compiled(collected, language, domain):
    ours = catalogue(ROOT / "locale", language, domain)
    today = catalogue(collected, language, domain)
    compiled = polib.mofile(str(ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.mo"))

    def messages(catalogue) -> dict:
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
            for entry in catalogue
            if not entry.obsolete and "fuzzy" not in getattr(entry, "flags", ())
        }

    assert set(messages(today)) == set(messages(ours)), "run makemessages --all"
    assert messages(compiled) == {key: value for key, value in messages(ours).items() if value}, (
        "run compilemessages"
    )
