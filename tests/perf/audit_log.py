#!/usr/bin/env python
"""Server time of the access log page (/tilgangslogg/) with 10 million access events: first, second and deep pages.

Run with `DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python tests/perf/audit_log.py`. Uses its own database,
familielos_bench_audit, on the same PostgreSQL server as the app; fills it once (one INSERT … SELECT over
generate_series) and marks it, so a re-run goes straight to the measurements. Prints a table; asserts nothing.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATABASE = "familielos_bench_audit"
FAMILIES = 50_000
USERS = 2_000
# One event every 6 seconds: 10 million events cover about two years.
SPACING_SECONDS = 6


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000, help="access events in the table (10 million)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (default 50)")
    parser.add_argument("--refill", action="store_true", help="empty the table and fill it again")
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import psycopg
    from psycopg import sql

    from tests.perf import database

    server = database.server_url()
    with psycopg.connect(database.with_database(server, "postgres").replace("postgres://", "postgresql://", 1)) as conn:
        conn.autocommit = True
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    os.environ["DATABASE_URL"] = database.with_database(server, DATABASE)

    import django

    django.setup()


def fill(events: int, *, refill: bool) -> None:
    """Migrate, and put `events` access events in the table unless the marker says they are there."""
    from django.core.management import call_command
    from django.db import connection

    from tests.perf import database

    call_command("migrate", interactive=False, verbosity=0)
    key = f"{events} access events"
    if not refill and database.read_marker(connection).startswith(key):
        print(f"Data already in place: {database.read_marker(connection)}.")
        return
    print(f"Inserting {events:,} access events …", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # TRUNCATE is not an UPDATE or DELETE: the append-only trigger does not refuse it.
        cursor.execute("TRUNCATE familielos_accessevent")
        cursor.execute(
            """
            INSERT INTO familielos_accessevent
                (at, actor_id, actor_username, role, action, family_id, object_type, object_id, path, ip)
            SELECT now() - make_interval(secs => (%(events)s - g) * %(spacing)s),
                   g %% %(users)s + 1,
                   'user' || (g %% %(users)s + 1),
                   'unit_staff',
                   CASE WHEN g %% 10 = 0 THEN 'change' ELSE 'view' END,
                   g %% %(families)s + 1,
                   'family',
                   (g %% %(families)s + 1)::text,
                   '/familier/' || (g %% %(families)s + 1) || '/',
                   ('10.0.' || (g %% 250) || '.' || (g %% 200 + 1))::inet
            FROM generate_series(1, %(events)s) AS g
            """,
            {"events": events, "spacing": SPACING_SECONDS, "users": USERS, "families": FAMILIES},
        )
        inserted = time.perf_counter() - started
        cursor.execute("VACUUM ANALYZE familielos_accessevent")
    database.write_marker(connection, f"{key}; inserted in {inserted:.0f} s")
    print(f"Inserted in {inserted:.1f} s, analysed in {time.perf_counter() - started - inserted:.1f} s.")


def event_at_depth(depth: int):
    """The event `depth` places from the newest (one slow OFFSET query, to build a deep page's cursor)."""
    from familielos.models import AccessEvent

    return AccessEvent.objects.order_by("-at", "-id").only("at")[depth]


def leader_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from familielos import roles

    user, _created = get_user_model().objects.get_or_create(username="bench-leiar")
    user.groups.add(Group.objects.get(name=roles.LEADER))
    client = Client()
    client.force_login(user)
    return client


def median_ms(client, params: dict, requests: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("audit_log")
    for _ in range(3):
        assert client.get(url, params).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    assert not [query for query in queries if "COUNT(" in query["sql"].upper()]
    return statistics.median(times), len(queries)


def sql_ms(sql: str, repeat: int = 3) -> float:
    """The median time of one query: what the page did before keyset paging (a count, an OFFSET)."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    args = parse_args()
    setup_django()
    fill(args.events, refill=args.refill)

    from django.db import connection

    from familielos import audit
    from familielos.models import AccessEvent

    client = leader_client()
    first = audit.events_page(AccessEvent.objects.all())
    family_first = audit.events_page(AccessEvent.objects.filter(family_id=4711))
    middle = audit.cursor_for(event_at_depth(args.events // 2))
    bottom = audit.cursor_for(event_at_depth(args.events - 60))
    cases = [
        ("first page", {}),
        ("second page (older)", {"eldre": first.older}),
        (f"page at {args.events // 2:,} events deep (older)", {"eldre": middle}),
        (f"page at {args.events // 2:,} events deep (newer)", {"nyere": middle}),
        (f"last page, {args.events - 60:,} deep", {"eldre": bottom}),
        ("one family, first page", {"family": 4711}),
        ("one family, second page", {"family": 4711, "eldre": family_first.older}),
        ("one person, first page", {"username": "user42"}),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM familielos_accessevent")
        (total,) = cursor.fetchone()
    server = connection.connection.info.server_version
    print(
        f"{total:,} access events; PostgreSQL {server // 10000}.{server % 10000}; {os.cpu_count()} CPUs; "
        f"{args.requests} timed requests per page through django.test.Client (server time, middleware included)."
    )
    print()
    print(f"{'page':<48} {'median ms':>10} {'queries':>8}")
    for name, params in cases:
        median, queries = median_ms(client, params, args.requests)
        print(f"{name:<48} {median:>10.1f} {queries:>8}")
    print()
    print("For comparison, what page-number paging would cost (median of 3):")
    print(f"{'  SELECT count(*) over the table':<48} {sql_ms('SELECT count(*) FROM familielos_accessevent'):>10.1f}")
    deep = f"SELECT * FROM familielos_accessevent ORDER BY at DESC, id DESC LIMIT 50 OFFSET {args.events // 2}"
    print(f"{'  OFFSET page at the middle':<48} {sql_ms(deep):>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
