"""The benchmark's own databases, one per data scale (`familielos_bench_1x`, `familielos_bench_10x`), on the same
server as the app's (never its data).

The first is chosen before django.setup() (its URL is put in DATABASE_URL, which the settings read); the bench then
moves Django's connection from one to the next with use_database().
"""

import functools
import hashlib
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_PREFIX = "familielos_bench_"


def bench_database(scale: int) -> str:
    """The name of the bench database holding `seed_demo --scale <scale>` data."""
    return f"{BENCH_PREFIX}{scale}x"


def migrations_fingerprint() -> str:
    """A digest of every migration file (after django.setup()): data made by other migrations is made again.

    `migrate` on a kept database applies new migrations but never one edited since it was applied.
    """
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    for key, migration in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items()):
        digest.update(repr(key).encode())
        with open(sys.modules[type(migration).__module__].__file__, "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()


def with_database(url: str, name: str) -> str:
    """The same server URL with another database name (user, host, port and options kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _conninfo(url: str) -> str:
    # psycopg takes postgresql:// URLs; dj-database-url also accepts postgres:// and pgsql://.
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme in {"postgres", "pgsql", "postgis"} else url


@functools.cache
def server_url() -> str:
    """The URL of the app's database: DATABASE_URL, or the embedded server's (started if needed).

    Read once, before the bench puts its own database's URL in DATABASE_URL.
    """
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from familielos.embedded_db import database_url

    # Keeps this process registered with the embedded server, so it stays up until the bench exits.
    return database_url()


def ensure_database(name: str, *, recreate: bool = False, template: str | None = None) -> str:
    """Create the bench database `name` if it is missing (dropping it first with `recreate`), as a copy of
    `template` if given, and return its URL."""
    url = server_url()
    if urlsplit(url).path.lstrip("/").startswith(BENCH_PREFIX):
        raise SystemExit(f"DATABASE_URL already names a bench database ({url}); give the app's database URL instead.")
    identifier = sql.Identifier(name)
    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        if recreate:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists and template:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(identifier, sql.Identifier(template)))
        elif not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    return with_database(url, name)


def use_database(name: str) -> None:
    """Point Django's connection at another bench database (on the same server); the next query connects there."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def read_marker(connection) -> str:
    """The note left on the bench database when its data was seeded completely ('' if none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row and row[0]) or ""


def write_marker(connection, text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(comment_on_database(connection, connection.settings_dict["NAME"], text))


def comment_on_database(connection, name: str, text: str) -> str:
    """The statement that sets a database's comment. The text is quoted client-side: a utility statement takes no
    bound parameters, and the app binds them on the server (OPTIONS server_side_binding)."""
    return connection.ops.compose_sql(f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS %s", [text])
