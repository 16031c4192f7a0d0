"""The bench's time split (tests/perf/split.py): the parts it reports add up, and Django is left as it was."""

from types import SimpleNamespace

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.template.backends.django import Template

from tests.perf import split


def test_measure__a_family_page__database_sql_and_templates_within_the_total_and_django_restored(staff_client, family):
    compiler_before, render_before = SQLCompiler.execute_sql, Template.render
    page = SimpleNamespace(label="family page")

    [(label, ms)] = split.measure([page], requests=3, get=lambda _: staff_client.get(family.get_absolute_url()))

    assert label == "family page"
    assert all(ms[part] > 0 for part in ("database", "sql", "templates", "rest"))
    assert ms["database"] + ms["sql"] + ms["templates"] + ms["rest"] == pytest.approx(ms["total"])
    assert SQLCompiler.execute_sql is compiler_before
    assert Template.render is render_before


def test_measure__a_view_that_renders_no_template__has_no_template_time(staff_client):
    [(_, ms)] = split.measure(
        [SimpleNamespace(label="health check")], requests=2, get=lambda _: staff_client.get("/healthz")
    )
    assert ms["templates"] == 0
