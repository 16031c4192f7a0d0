"""The benchmark's own database, `familielos_bench`, on the same server as the app's (never its data).

Chosen before django.setup(): the bench URL is put in DATABASE_URL, which the settings read.
"""

import functools
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_DATABASE = "familielos_bench"


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


def ensure_database(*, recreate: bool = False) -> str:
    """Create (or drop and create again) the bench database, and return its URL."""
    url = server_url()
    if urlsplit(url).path.lstrip("/") == BENCH_DATABASE:
        raise SystemExit(f"DATABASE_URL already names {BENCH_DATABASE}; give the app's database URL instead.")
    name = sql.Identifier(BENCH_DATABASE)
    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        if recreate:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return with_database(url, BENCH_DATABASE)


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
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [text])
