#!/usr/bin/env python
"""Server time of the hot pages at 1× and 10× one municipality's data, as ratios to a bare view behind the same
middleware, measured in one run.

Run with `make bench` (DJANGO_SETTINGS_MODULE=tests.settings). Each scale has its own database on the app's
PostgreSQL server, holding `seed_demo --scale N` data (familielos_bench_1x, familielos_bench_10x): when both are
seeded in one run, the larger is a copy of the smaller topped up (seed_demo --scale adds only the batches missing);
each is marked when seeded, so a re-run goes straight to the measurements. The volumes are checked against the
seed's per-scale volumes (DOMAIN.md) before measuring.

Targets (tests/perf/pages.py), for every page at every scale: at most 4× the bare view (the goal after that: 3×),
at most 12 queries, the same query count at every scale. Not part of the test suite: it prints a table with
PASS/FAIL per page, and exits with status 1 when a page misses a target (2 when the data is not as seeded).
"""

import argparse
import gc
import hashlib
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCALES = (1, 10)
SEED_COMMAND = ROOT / "cases" / "management" / "commands" / "seed_demo.py"
# A query at least this slow (in the one captured request per page) gets its EXPLAIN ANALYZE printed.
EXPLAIN_THRESHOLD_MS = 5.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first (default 20)")
    parser.add_argument(
        "--scales",
        type=lambda text: sorted({int(part) for part in text.split(",")}),
        default=list(SCALES),
        help="the data scales to measure, comma-separated (default 1,10)",
    )
    parser.add_argument("--reseed", action="store_true", help="drop the bench databases and seed them again")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of every page")
    parser.add_argument("--queries", action="store_true", help="list every query of every page, with its time")
    parser.add_argument(
        "--split",
        action="store_true",
        help="where each page's time goes at the largest scale: database, orm, templates, the rest (perf/split.py)",
    )
    return parser.parse_args()


def setup_django(first_database: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # Timings with DEBUG on would include Django keeping every query and rendering debug pages.
    os.environ["DEBUG"] = "0"
    # django-axes logs every force_login at INFO; WhiteNoise warns that collectstatic has not run.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    from tests.perf import database

    os.environ["DATABASE_URL"] = database.ensure_database(first_database)

    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "tests.perf.bench_urls"


def seed_key(scale: int) -> str:
    """What the data was made with; a changed seed command or migration means the data is made again."""
    from tests.perf.database import migrations_fingerprint

    digest = hashlib.sha256(SEED_COMMAND.read_bytes()).hexdigest()[:16]
    return f"seed_demo --scale {scale} (seed_demo.py sha256 {digest}, migrations {migrations_fingerprint()[:16]})"


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


def prepare_data(scale: int, *, smaller: int | None, reseed: bool) -> float | None:
    """Migrate the scale's bench database and seed it unless it holds this seed's data; the seeding time or None.

    Seeding starts from a copy of `smaller`'s database when given (seeded earlier in this run, never measured), else
    from an empty database: the data is always what this seed makes.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tests.perf import database

    name = database.bench_database(scale)
    key = seed_key(scale)
    database.use_database(name)
    if not reseed:
        database.ensure_database(name)
        if (marker := database.read_marker(connection)).startswith(key + ";"):
            print(f"{scale}×: data already in place: {marker}.")
            return None
    template = database.bench_database(smaller) if smaller else None
    connection.close()
    database.ensure_database(name, recreate=True, template=template)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"{scale}×: seeding seed_demo --scale {scale}" + (f", from a copy of the {smaller}× data" if smaller else ""))
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, stdout=_Progress(started), no_color=True)
    seconds = time.perf_counter() - started
    database.write_marker(connection, f"{key}; seeded in {seconds:.1f} s on {timezone.localdate().isoformat()}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seconds


def check_volumes(scale: int) -> list[str]:
    """The open cases at each level against the seed's volumes for this scale; stops the bench when short."""
    from django.db.models import Count

    from cases.management.commands.seed_demo import SCALE_VOLUMES
    from cases.models import Case, Status

    open_cases = Case.objects.filter(status=Status.OPEN).order_by()
    counts = dict(open_cases.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    short = [level for level, volume in SCALE_VOLUMES.items() if counts.get(level, 0) < scale * volume]
    line = f"{scale}× volumes, open cases: " + ", ".join(
        f"level {int(level)} {counts.get(level, 0)} (≥ {scale * volume})" for level, volume in SCALE_VOLUMES.items()
    )
    if short:
        print(line)
        print(f"The {scale}× data is short of the seed's volumes: run again with --reseed.")
        raise SystemExit(2)
    return [line]


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
    prepared = "on" if connection.settings_dict["OPTIONS"].get("prepare_threshold") else "off"
    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {server // 10000}.{server % 10000}, database {connection.settings_dict['NAME']} "
        f"on {connection.settings_dict['HOST'] or 'a local socket'}, prepared statements {prepared} "
        f"(DATABASE_PREPARED_STATEMENTS); {os.cpu_count()} CPUs, load average {load}."
    )


def main() -> int:
    args = parse_args()
    from tests.perf import database

    setup_django(database.bench_database(args.scales[0]))
    seeding: dict[int, float | None] = {}
    for scale in args.scales:
        # Copy only a smaller scale seeded in this run: one measured before holds the sessions and access events
        # its measurements wrote.
        fresh = [smaller for smaller, seconds in seeding.items() if seconds is not None]
        seeding[scale] = prepare_data(scale, smaller=fresh[-1] if fresh else None, reseed=args.reseed)

    from tests.perf import pages

    results: dict[int, list[pages.Result]] = {}
    scenarios_by_scale: dict[int, list[pages.Scenario]] = {}
    for scale in args.scales:
        database.use_database(database.bench_database(scale))
        print()
        print(f"{scale}×: {environment()}")
        if seeding[scale] is not None:
            print(f"{scale}×: seeding took {seeding[scale]:.1f} s.")
        for line in check_volumes(scale):
            print(line)
        print("Data: " + ", ".join(f"{value} {name}" for name, value in data_counts().items()))
        scenarios = scenarios_by_scale[scale] = pages.scenarios()
        if scale == args.scales[0]:
            print()
            for line in pages.describe(scenarios):
                print(line)
        print(
            f"{scale}×: {args.warmup} warm-up + {args.requests} timed requests per page (in rounds over all pages), "
            "django.test.Client.get(), server time only …",
            flush=True,
        )
        gc.collect()
        gc.freeze()
        results[scale] = pages.measure(scenarios, requests=args.requests, warmup=args.warmup)
        gc.unfreeze()

    print()
    lines, passed = pages.table(results)
    for line in lines:
        print(line)
    print()
    largest = results[args.scales[-1]]
    print(f"At {args.scales[-1]}×:")
    for line in pages.slowest_queries(largest, explain_all=args.explain, threshold_ms=EXPLAIN_THRESHOLD_MS):
        print(line)
    if args.queries:
        print()
        for line in pages.all_queries(largest):
            print(line)
    if args.split:
        from tests.perf import split

        print()
        print(f"At {args.scales[-1]}×, where the time goes ({args.requests} more requests per page, instrumented):")
        # The largest scale's database is the one still in use.
        largest_scenarios = scenarios_by_scale[args.scales[-1]]
        for line in split.table(split.measure(largest_scenarios, requests=args.requests, get=pages.request_page)):
            print(line)
    print()
    print("Every page meets the targets." if passed else "Some pages miss a target (FAIL above): exit status 1.")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
