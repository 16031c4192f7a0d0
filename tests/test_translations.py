"""Every msgid the code uses has a Bokmål and a Nynorsk translation.

makemessages runs on a copy of the sources and catalogues, so the real locale files are never touched; msgmerge
marks a msgid the catalogue lacks as untranslated, or as fuzzy when it guesses from a similar one.
"""

import contextlib
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LANGUAGES = ["nb", "nn"]
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # what makemessages reads for the "django" domain
SKIPPED_DIRS = {"tests", "__pycache__", "staticfiles", "node_modules"}


def _copy_filter(directory: str, names: list[str]) -> set[str]:
    """Leave out hidden dirs (.venv, .git, .pgdata), the tests, and every file makemessages does not read."""
    return {
        name
        for name in names
        if name.startswith(".")
        or name in SKIPPED_DIRS
        or (Path(directory, name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES and name != "django.po")
    }


@pytest.fixture(scope="module")
def merged_catalogues(tmp_path_factory) -> Path:
    """The catalogues as makemessages leaves them after merging in today's msgids, in a throwaway copy."""
    root = tmp_path_factory.mktemp("messages") / "project"
    shutil.copytree(settings.BASE_DIR, root, ignore=_copy_filter)
    with contextlib.chdir(root), override_settings(LOCALE_PATHS=[root / "locale"]):
        call_command("makemessages", locale=LANGUAGES, no_obsolete=True, verbosity=0)
    return root / "locale"


def _msgids(po_file: Path, selection: str) -> list[str]:
    """The msgids (with their msgctxt) msgattrib selects from po_file."""
    out = subprocess.run(
        ["msgattrib", selection, "--no-obsolete", "--no-wrap", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found, context = [], ""
    for line in out.splitlines():
        if line.startswith("msgctxt "):
            context = f"[{line[8:]}] "
        elif line.startswith("msgid ") and line != 'msgid ""':
            found.append(context + line[6:])
            context = ""
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_in_the_code_is_translated(merged_catalogues, language):
    po_file = merged_catalogues / language / "LC_MESSAGES" / "django.po"
    missing = _msgids(po_file, "--untranslated") + _msgids(po_file, "--only-fuzzy")
    assert not missing, f"{len(missing)} msgids have no {language} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles_with_matching_placeholders(language):
    """msgfmt --check: the header is valid and every translation keeps its msgid's %(name)s placeholders."""
    po_file = Path(settings.BASE_DIR, "locale", language, "LC_MESSAGES", "django.po")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("field", "language", "expected"),
    [
        ("choice", "nn", "Vel eit gyldig val. b er ikkje eitt av dei som finst."),
        ("choice", "nb", "Velg et gyldig valg. b er ikke ett av dem som finnes."),
        ("model", "nn", "Vel eit gyldig val. Valet er ikkje eitt av dei som finst."),
        ("model", "nb", "Velg et gyldig valg. Valget er ikke ett av dem som finnes."),
    ],
)
def test_djangos_choice_messages__are_worded_by_our_catalogue(field, language, expected):
    """Django's own catalogues spell these in Bokmål for Nynorsk, or miss a word (familielos.django_texts)."""
    from django import forms
    from django.contrib.auth.models import Group
    from django.utils import translation

    from familielos import django_texts

    assert len(django_texts.DJANGO_TEXTS) == 2
    made = (
        forms.ChoiceField(choices=[("a", "A")]) if field == "choice" else forms.ModelChoiceField(Group.objects.none())
    )
    with translation.override(language):
        with pytest.raises(forms.ValidationError) as refused:
            made.clean("b")
        shown = refused.value.messages

    assert shown == [expected]


# Words that are Bokmål and never Nynorsk (Nynorsk: ikkje, kva, kven, kvar, korleis, eg, brukar, vart, frå, noko,
# nokon, mykje, viss, kvifor, kva for, vere, de).
BOKMAL_ONLY = re.compile(
    r"\b(ikke|hva|hvem|hvor|hvordan|jeg|bruker|brukere|ble|fra|noe|noen|mye|hvis|hvorfor|hvilken|hvilke|være|dere)\b",
    re.IGNORECASE,
)


def test_nynorsk_catalogue__has_no_bokmal_only_words():
    """Every translation as the app reads it (the compiled catalogue, plural forms and wrapped lines whole)."""
    with Path(settings.BASE_DIR, "locale", "nn", "LC_MESSAGES", "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    texts = [text for key, text in catalogue._catalog.items() if key]  # the header is under ""
    bokmal = [text for text in texts if BOKMAL_ONLY.search(text)]
    assert not bokmal, "\n".join(bokmal)
