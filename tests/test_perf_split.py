"""The bench's time split (tests/perf/split.py): each part counted where it belongs, and Django left as it was."""

from types import SimpleNamespace

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.template import engines
from django.template.backends.django import Template

from cases.models import Family
from tests.perf import split

SLEEP_MS = 50


def _measure_once(render):
    [(_, ms)] = split.measure([SimpleNamespace(label="page")], requests=1, get=lambda _: render())
    return ms


def _slow_query() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [SLEEP_MS / 1000])
    return ""


def test_measure__a_query_run_inside_a_template__counts_as_database_not_as_templates(db):
    template = engines["django"].from_string("{{ slow_query }}")

    ms = _measure_once(lambda: template.render({"slow_query": _slow_query}))

    assert ms["database"] >= SLEEP_MS
    assert ms["templates"] < SLEEP_MS / 10


def test_measure__a_render_inside_a_render__counts_once(db):
    inner = engines["django"].from_string("{{ slow_query }}")
    outer = engines["django"].from_string("{{ inner }}")

    ms = _measure_once(lambda: outer.render({"inner": lambda: inner.render({"slow_query": _slow_query})}))

    assert ms["database"] >= SLEEP_MS
    assert ms["templates"] < SLEEP_MS / 10
    assert ms["rest"] >= 0


def test_measure__a_family_page__each_part_counted__and_django_restored(staff_client, family):
    compiler_before, render_before = SQLCompiler.execute_sql, Template.render

    def family_page():
        assert staff_client.get(family.get_absolute_url()).status_code == 200

    ms = _measure_once(family_page)

    assert all(ms[part] > 0 for part in ("database", "orm", "templates", "rest"))
    assert SQLCompiler.execute_sql is compiler_before
    assert Template.render is render_before


def test_measure__a_queryset__its_compiling_counts_as_orm(db):
    ms = _measure_once(lambda: list(Family.objects.filter(name__icontains="x").order_by("name")))

    assert ms["orm"] > 0
    assert ms["templates"] == 0


def test_measure__raw_sql_and_no_template__database_only(db, client):
    def health_check():
        assert client.get("/healthz").status_code == 200

    ms = _measure_once(health_check)

    assert ms["database"] > 0
    assert ms["orm"] == 0
    assert ms["templates"] == 0
