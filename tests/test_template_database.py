"""The test database's dump (tests/template_database.py) is made from the migrations on disk and the packages
installed; otherwise every fresh run migrates for half a minute instead of loading it in a second."""

import gzip

from tests import template_database
from tests.perf.database import migrations_fingerprint


def test_template_database__dump_is_made_from_the_migrations_on_disk():
    with gzip.open(template_database.DUMP, "rt", encoding="utf-8") as dump:
        made_from = dump.readline().strip()
    assert made_from == template_database.header(migrations_fingerprint()), (
        "A migration or a package that writes SQL changed: make the dump again with `make test-dump`"
    )
