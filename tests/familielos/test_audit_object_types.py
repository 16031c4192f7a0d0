"""Every object type the code writes to the audit log is named on both pages that read it: the staff's audit trail
(familielos_tags.AUDITED_OBJECTS) and the family's 'who has looked at our data' (portal.insight.KINDS). The two maps
are kept by hand, so a new `object_type="..."` must be added to both; this reads the source to catch one that is not.
Types taken from a model (`obj=...`) are named by the model and not checked here."""

import os
import re
from functools import cache
from pathlib import Path

from django.conf import settings

from familielos.templatetags.familielos_tags import AUDITED_OBJECTS
from portal.insight import KINDS

LITERAL = re.compile(r"""\bobject_type\s*=\s*["']([a-z_]+)["']""")
SKIPPED = {"tests", "node_modules"}


def source_files():
    """The project's Python files, without the tests and hidden folders (.venv, .git, the embedded database)."""
    for root, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = [name for name in dirs if not name.startswith(".") and name not in SKIPPED]
        yield from (Path(root) / name for name in files if name.endswith(".py"))


@cache
def object_types_in_code() -> dict[str, str]:
    """Each literal object type, with the first file that writes it."""
    found = {}
    for path in sorted(source_files()):
        for name in LITERAL.findall(path.read_text()):
            found.setdefault(name, path.relative_to(settings.BASE_DIR).as_posix())
    return found


def test_object_types__the_search_finds_the_literals_it_is_for():
    found = object_types_in_code()
    assert {"audit", "export", "plan", "stafettlogg"} <= found.keys()


def test_object_types__every_literal_in_the_code_is_named_for_staff_and_for_the_family():
    found = object_types_in_code()
    assert {name: where for name, where in found.items() if name not in AUDITED_OBJECTS} == {}
    assert {name: where for name, where in found.items() if name not in KINDS} == {}
