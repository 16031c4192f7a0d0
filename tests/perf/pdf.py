#!/usr/bin/env python
"""PDF render time: the invitation letter and samtaleduk 1 (filled, overflowing and blank), and the familieteam's
samtaleduk 2 (filled, blank), minutes and invitation, through their views; and a minimal WeasyPrint page.

"Overflowing" has a long place and list of participants and long answers in every box: its layout runs twice
(familielos.pdf measures the fixed frames, then shortens those that overflow) and adds continuation sheets.
Samtaleduk 2, filled, is a realistic meeting: 6 life areas × 8 columns with a few hundred characters in most cells,
the previous meeting's goals and actions evaluated, and 6 action points. Its goal: a median of at most 0.25 s,
reported also as a ratio to the minimal page rendered in the same run (a ratio compares across machines).

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
# The goal for a filled samtaleduk 2 (issue 8): its median render time through the view.
CANVAS_GOAL_MS = 250
MINIMAL_PAGE = "<!doctype html><html lang=nb><title>Minimal</title><p>Samtaleduk</p></html>"


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


def _make_familieteam_data():
    """A family at level 3 with its familieteam (a service member and a trusted person) and two meetings: the first
    held, its canvas filled; the second planned, its canvas carried over and rewritten, the first one's goals and
    actions evaluated, and 6 action points. Returns the familielos and the second meeting."""
    from datetime import date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from cases.models import ActionStatus, Level, OwnerKind
    from familieteam import workflow
    from familieteam.models import Column, EvaluationResult, LifeArea
    from tests import factories

    oslo = ZoneInfo("Europe/Oslo")
    familielos = factories.familielos(username="bench-pdf-familielos", first_name="Frida", last_name="Los")
    case, _team, _los, _decider = factories.case_at(
        Level.FAMILIELOS, los=familielos, family_name="Familien Canvas", child_name="Kari"
    )
    member, staff = factories.familieteam_member(case, first_name="Per", last_name="Ppt")
    trusted = factories.trusted_person(case)
    areas = list(LifeArea.objects.filter(active=True))
    first = factories.familieteam_meeting(
        case, starts_at=datetime(2026, 3, 3, 10, 0, tzinfo=oslo), place="Familiens heim", invited=[member, trusted]
    )
    # About 300 characters in 7 of every 8 cells: the canvas fills about two A3 sheets, as a busy one does.
    sentence = "Kari fortel at ho trivst betre no, men morgonane er tunge og bussen går tidleg. "
    slots = [(area, column) for area in areas for column in Column]
    for number, (area, column) in enumerate(slots):
        if number % 8 != 7:
            text = f"{area.name_nb}, {column.label}: " + sentence * 3
            due = date(2026, 6, 1) if column.has_date else None
            workflow.save_cell(
                actor=familielos, meeting=first, life_area=area, column=column, text=text, due=due, base_version=0
            )
    second = workflow.finish_meeting(
        actor=familielos,
        meeting=first,
        present=[member],
        family_present="Guro (mor)",
        next_starts_at=datetime(2026, 4, 7, 13, 30, tzinfo=oslo),
        next_place="Møterom 3, Vestbygd skule",
    )
    for cell in second.cells.all():
        workflow.save_cell(
            actor=familielos,
            meeting=second,
            life_area=cell.life_area,
            column=cell.column,
            text=cell.text.replace("trivst betre no", "trivst mykje betre no"),
            due=cell.due,
            base_version=cell.version,
        )
    results = list(EvaluationResult)
    evaluated = first.cells.filter(column__in=[column for column in Column if column.is_evaluated]).exclude(text="")
    for number, cell in enumerate(evaluated):
        workflow.evaluate(
            actor=familielos,
            meeting=second,
            cell=cell,
            result=results[number % len(results)],
            comment="Det gjekk betre enn venta, men det tok lengre tid. " * 2,
        )
    owners = [
        workflow.Owner(OwnerKind.STAFF, user_id=staff.pk),
        workflow.Owner(OwnerKind.STAFF, user_id=familielos.pk),
        workflow.Owner(OwnerKind.TRUSTED, member_id=trusted.pk),
    ]
    for number in range(6):
        point = workflow.set_action_point(
            actor=familielos,
            meeting=second,
            what=f"Aksjonspunkt {number + 1}: ringje skulen og avtale eit møte om skulevegen",
            owner=owners[number % len(owners)],
            due=second.starts_at.date() + timedelta(days=7 * (number + 1)),
        )
        if number % 3 == 0:
            workflow.set_action_point_status(
                actor=familielos, point=point, status=ActionStatus.DONE, comment="Gjort.", base_version=point.version
            )
    return familielos, second


def _canvas_goal(canvas_ms: float, minimal_ms: float) -> str:
    verdict = "goal met" if canvas_ms <= CANVAS_GOAL_MS else "goal MISSED"
    return (
        f"Samtaleduk 2, filled: median {canvas_ms:.1f} ms = {canvas_ms / minimal_ms:.1f}× the minimal WeasyPrint "
        f"page ({minimal_ms:.1f} ms); goal ≤ {CANVAS_GOAL_MS} ms ({CANVAS_GOAL_MS / minimal_ms:.1f}× on this "
        f"machine): {verdict}."
    )


def _user(username, first_name, last_name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create(username=username, first_name=first_name, last_name=last_name)


def _time(render, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        render()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        times.append(time.perf_counter() - started)
    return times


def _get_pdf(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200 or response["Content-Type"] != "application/pdf":
        raise SystemExit(f"{path} answered {response.status_code} {response['Content-Type']}")


def _minimal_page() -> None:
    """One paragraph on one page, with the app's PDF options: WeasyPrint's fixed cost on this machine."""
    from weasyprint import HTML

    from familielos.pdf import PDF_OPTIONS

    HTML(string=MINIMAL_PAGE).write_pdf(**PDF_OPTIONS)


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
        familielos, meeting = _make_familieteam_data()
        client = Client()
        client.force_login(teacher)
        los_client = Client()
        los_client.force_login(familielos)
        family_pk = samtale.case.family_id
        pdfs = [
            ("invitation letter", client, reverse("print:invitation_letter", args=[family_pk, samtale.pk])),
            ("samtaleduk 1, filled", client, reverse("print:samtaleduk_filled", args=[family_pk, samtale.pk])),
            (
                "samtaleduk 1, overflowing",
                client,
                reverse("print:samtaleduk_filled", args=[family_pk, overflowing.pk]),
            ),
            ("samtaleduk 1, blank", client, reverse("print:samtaleduk_blank")),
            ("samtaleduk 2, filled", los_client, reverse("familieteam:canvas_pdf", args=[meeting.pk])),
            ("samtaleduk 2, blank", los_client, reverse("familieteam:canvas_blank_pdf")),
            ("familieteam minutes", los_client, reverse("familieteam:minutes_pdf", args=[meeting.pk])),
            ("familieteam invitation", los_client, reverse("familieteam:invitation_pdf", args=[meeting.pk])),
        ]
        print(f"PDF downloads through the views, {runs} timed runs each after {warmup} untimed (ms per PDF):")
        print(f"  {'PDF':<28}{'median':>10}{'p95':>10}{'min':>10}{'max':>10}")
        timed = [(label, lambda client=client, path=path: _get_pdf(client, path)) for label, client, path in pdfs]
        timed.append(("minimal WeasyPrint page", _minimal_page))
        for label, render in timed:
            times = _time(render, runs, warmup)
            row = {
                "median": 1000 * statistics.median(times),
                "p95": 1000 * _p95(times),
                "min": 1000 * min(times),
                "max": 1000 * max(times),
            }
            results[label] = row
            print(f"  {label:<28}" + "".join(f"{row[key]:>10.1f}" for key in ("median", "p95", "min", "max")))
        print(_canvas_goal(results["samtaleduk 2, filled"]["median"], results["minimal WeasyPrint page"]["median"]))
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
