#!/usr/bin/env python
"""PDF render time: the invitation letter and samtaleduk 1 (filled, overflowing and blank), through their views.

"Overflowing" has a long place and list of participants and long answers in every box: its layout runs twice
(familielos.pdf measures the fixed frames, then shortens those that overflow) and adds continuation sheets.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python tests/perf/pdf.py [--runs 20] [--warmup 3]

or from another script: `from tests.perf import pdf; pdf.run(runs=20)` (before django.setup(): run() sets up
Django itself on its own database; if Django is already set up, it uses the configured database instead).

Uses its own database, familielos_bench_pdf, on the same PostgreSQL server as the app (DATABASE_URL, or the
embedded server). The few rows it needs are made inside a transaction that is rolled back at the end, so the
database stays empty. Not part of the test suite: it asserts nothing about speed, it prints a table.
"""

import argparse
import math
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, this file's folder is first on sys.path; the project root must be there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "familielos_bench_pdf"
RUNS = 20
WARMUP = 3


def _server_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from familielos.embedded_db import database_url

    return database_url()


def _ensure_database() -> str:
    """Create the bench database if it is missing; its URL (the server's URL with our database name)."""
    import psycopg
    from psycopg import sql

    url = _server_url()
    parts = urlsplit(url)
    if parts.path.lstrip("/") == BENCH_DATABASE:
        return url
    scheme, rest = url.split("://", 1)
    conninfo = f"postgresql://{rest}" if scheme in {"postgres", "pgsql"} else url
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def setup_django() -> None:
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # Timings with DEBUG on would include Django keeping every query.
    os.environ["DEBUG"] = "0"
    # WeasyPrint logs every rendering step at INFO; axes logs every login.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_URL"] = _ensure_database()
    # WhiteNoise warns that collectstatic has not run; the PDFs read static files through the finders.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _make_data():
    """A teacher, a family with a child and two guardians, and two recorded avklaringssamtaler: one whose
    answers fit the canvas, one whose header values and answers overflow it."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from django.contrib.auth.models import Group

    from cases import actions
    from cases.models import Person, PersonRole
    from familielos import roles
    from familielos.models import Membership, ServiceKind, ServiceUnit

    unit = ServiceUnit.objects.create(name="Bench skule", kind=ServiceKind.SKOLE, contact="Tlf. 56 00 00 00")
    teacher = _user("bench-pdf-teacher", "Lise", "Lærar")
    teacher.groups.add(Group.objects.get(name=roles.UNIT_STAFF))
    Membership.objects.create(user=teacher, unit=unit)
    case = actions.register_family(
        actor=teacher,
        family_name="Familien Bench",
        child={"first_name": "Emma", "last_name": "Bench", "birth_date": date(2017, 5, 17)},
        guardians=[{"first_name": "Guro", "last_name": "Bench"}],
        reason="Bekymring over tid.",
        unit=unit,
    )
    Person.objects.create(
        family=case.family, role=PersonRole.GUARDIAN, parental_responsibility=True, first_name="Per", last_name="Bench"
    )
    samtale = actions.book_avklaringssamtale(
        actor=teacher,
        case=case,
        starts_at=datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")),
        place="Møterom 2, Bench skule",
    )
    answer = "Emma fortel om skulen, venene og det som er vanskeleg i friminutta. " * 4
    samtale = actions.record_avklaringssamtale(
        actor=teacher,
        samtale=samtale,
        version=samtale.version,
        agreements=[
            {"what": f"Avtale nummer {number}", "who": "Lise Lærar", "follow_up": date(2026, 4, number)}
            for number in range(1, 4)
        ],
        **dict.fromkeys(samtale.DUK_FIELDS, answer),
    )
    overflowing = actions.book_avklaringssamtale(
        actor=teacher,
        case=case,
        starts_at=datetime(2026, 4, 7, 10, 0, tzinfo=ZoneInfo("Europe/Oslo")),
        place="Vestbygd skule, møterom 1, andre etasje ved biblioteket, inngang frå skuleplassen, " * 2,
    )
    overflowing = actions.record_avklaringssamtale(
        actor=teacher,
        samtale=overflowing,
        version=overflowing.version,
        agreements=[],
        participants=", ".join(["Guro Bench (mor), Per Bench (far), Emma, Lise Lærar (kontaktlærar), Anne Berg"] * 3),
        **dict.fromkeys(samtale.DUK_FIELDS, answer * 12),
    )
    return teacher, samtale, overflowing


def _user(username, first_name, last_name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create(username=username, first_name=first_name, last_name=last_name)


def _time(client, path: str, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        client.get(path)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            raise SystemExit(f"{path} answered {response.status_code} {response['Content-Type']}")
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def run(runs: int = RUNS, warmup: int = WARMUP) -> dict[str, dict[str, float]]:
    """Time each PDF `runs` times (after `warmup` untimed downloads); print and return median and p95 in ms."""
    setup_django()
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    results = {}
    with transaction.atomic():
        teacher, samtale, overflowing = _make_data()
        client = Client()
        client.force_login(teacher)
        family_pk = samtale.case.family_id
        pdfs = [
            ("invitation letter", reverse("print:invitation_letter", args=[family_pk, samtale.pk])),
            ("samtaleduk 1, filled", reverse("print:samtaleduk_filled", args=[family_pk, samtale.pk])),
            ("samtaleduk 1, overflowing", reverse("print:samtaleduk_filled", args=[family_pk, overflowing.pk])),
            ("samtaleduk 1, blank", reverse("print:samtaleduk_blank")),
        ]
        print(f"PDF downloads through the views, {runs} timed runs each after {warmup} untimed (ms per PDF):")
        print(f"  {'PDF':<28}{'median':>10}{'p95':>10}{'min':>10}{'max':>10}")
        for label, path in pdfs:
            times = _time(client, path, runs, warmup)
            row = {
                "median": 1000 * statistics.median(times),
                "p95": 1000 * _p95(times),
                "min": 1000 * min(times),
                "max": 1000 * max(times),
            }
            results[label] = row
            print(f"  {label:<28}" + "".join(f"{row[key]:>10.1f}" for key in ("median", "p95", "min", "max")))
        # Leave the bench database as it was found.
        transaction.set_rollback(True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed downloads per PDF (default {RUNS})")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"untimed downloads first (default {WARMUP})")
    args = parser.parse_args()
    run(runs=args.runs, warmup=args.warmup)


if __name__ == "__main__":
    main()
