#!/usr/bin/env python
"""Server time of the hot pages on `seed_demo --scale 10` data, against a bare view behind the same middleware.

Run with `make bench` (DJANGO_SETTINGS_MODULE=tests.settings). Uses its own database, familielos_bench, on the
same PostgreSQL server as the app; seeds it once and marks it, so a re-run goes straight to the measurements.
Not part of the test suite: it asserts nothing about speed, it prints a table.
"""

import argparse
import gc
import hashlib
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCALE = 10
SEED_COMMAND = ROOT / "cases" / "management" / "commands" / "seed_demo.py"
# A query at least this slow (in the one captured request per page) gets its EXPLAIN ANALYZE printed.
EXPLAIN_THRESHOLD_MS = 5.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first (default 20)")
    parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed it again")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of every page")
    parser.add_argument("--queries", action="store_true", help="list every query of every page, with its time")
    return parser.parse_args()


def setup_django(*, reseed: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # Timings with DEBUG on would include Django keeping every query and rendering debug pages.
    os.environ["DEBUG"] = "0"
    # django-axes logs every force_login at INFO; WhiteNoise warns that collectstatic has not run.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from tests.perf import database

    os.environ["DATABASE_URL"] = database.ensure_database(recreate=reseed)

    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "tests.perf.bench_urls"


def seed_key() -> str:
    """What the data was made with; a changed seed command means the data is made again."""
    digest = hashlib.sha256(SEED_COMMAND.read_bytes()).hexdigest()[:16]
    return f"seed_demo --scale {SCALE} (seed_demo.py sha256 {digest})"


class _Progress:
    """A stdout for call_command that stamps each line with the time since seeding began."""

    def __init__(self, started: float):
        self.started = started
        self.pending = ""

    def write(self, text: str) -> None:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            print(f"  [{time.perf_counter() - self.started:7.1f} s] {line}", flush=True)

    def flush(self) -> None:
        pass


def prepare_data() -> float | None:
    """Migrate the bench database and seed it unless it already holds this seed's data; the seeding time or None."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.models import Family
    from tests.perf import database

    call_command("migrate", interactive=False, verbosity=0)
    key = seed_key()
    marker = database.read_marker(connection)
    if marker.startswith(key + ";"):
        print(f"Data already in place: {marker}.")
        return None
    if Family.objects.exists():
        # A half-finished or older seeding: start from an empty database, so the data is always the same.
        print("The bench database holds other data than this seed makes: dropping and creating it again.")
        connection.close()
        database.ensure_database(recreate=True)
        call_command("migrate", interactive=False, verbosity=0)
    print(f"Seeding: seed_demo --scale {SCALE} …", flush=True)
    started = time.perf_counter()
    call_command("seed_demo", scale=SCALE, stdout=_Progress(started), no_color=True)
    seconds = time.perf_counter() - started
    database.write_marker(connection, f"{key}; seeded in {seconds:.1f} s on {timezone.localdate().isoformat()}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def data_counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from cases.models import Case, Family, FamilyGroupObjectPermission, FamilyUserObjectPermission, LevelChange, Person
    from familielos.models import AccessEvent

    return {
        "families": Family.objects.count(),
        "persons": Person.objects.count(),
        "cases": Case.objects.count(),
        "level changes": LevelChange.objects.count(),
        "users": get_user_model().objects.count(),
        "family user permission rows": FamilyUserObjectPermission.objects.count(),
        "family group permission rows": FamilyGroupObjectPermission.objects.count(),
        "guardian generic permission rows": UserObjectPermission.objects.count()
        + GroupObjectPermission.objects.count(),
        "audit events": AccessEvent.objects.count(),
    }


def environment() -> str:
    import platform

    import django
    from django.db import connection

    connection.ensure_connection()
    server = connection.connection.info.server_version
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {server // 10000}.{server % 10000}, database {connection.settings_dict['NAME']} "
        f"on {connection.settings_dict['HOST'] or 'a local socket'}; {os.cpu_count()} CPUs, load average {load}."
    )


def main() -> None:
    args = parse_args()
    setup_django(reseed=args.reseed)
    seed_seconds = prepare_data()

    from tests.perf import pages

    counts = data_counts()
    print()
    print(environment())
    if seed_seconds is not None:
        families = counts["families"]
        print(
            f"Seeding took {seed_seconds:.1f} s ({families} families, "
            f"{1000 * seed_seconds / max(families, 1):.1f} ms per family)."
        )
    print("Data: " + ", ".join(f"{value} {name}" for name, value in counts.items()))
    print()

    scenarios = pages.scenarios()
    for line in pages.describe(scenarios):
        print(line)
    print()
    print(
        f"{args.warmup} warm-up + {args.requests} timed requests per page (in rounds over all pages), "
        "django.test.Client.get(), server time only …",
        flush=True,
    )
    gc.collect()
    gc.freeze()
    results = pages.measure(scenarios, requests=args.requests, warmup=args.warmup)
    print()
    bare = statistics.median(results[0].times)
    for line in pages.table(results, bare_median=bare):
        print(line)
    print()
    for line in pages.slowest_queries(results, explain_all=args.explain, threshold_ms=EXPLAIN_THRESHOLD_MS):
        print(line)
    if args.queries:
        print()
        for line in pages.all_queries(results):
            print(line)


if __name__ == "__main__":
    main()
