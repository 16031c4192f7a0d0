"""Where a page's server time goes (`run.py --split`), measured on requests of their own, apart from the timed ones
(the instruments cost time of their own):

- database: every statement sent through a cursor, as the connection's execute wrapper sees it (sent, run,
  answered);
- orm: the outermost `SQLCompiler.execute_sql` less the database time in it: compiling a query to SQL and fetching
  its rows, for reads, updates and deletes (an insert's compiler has an execute_sql of its own: its compiling is in
  rest, its database time is counted);
- templates: the outermost Django template render, less the orm and database time of the queries run inside it (a
  lazy queryset the template evaluates);
- rest: the request's time less the three. The view's own Python, building querysets, making model objects from
  rows (Django's value converters included), the middleware, COMMIT and ROLLBACK (sent without a cursor), the test
  client's own work and the instruments'.
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.template.backends.django import Template


@dataclass
class Split:
    requests: int = 0
    total: float = 0.0
    database: float = 0.0
    orm: float = 0.0
    templates: float = 0.0

    def per_request_ms(self) -> dict[str, float]:
        n = max(self.requests, 1)
        rest = self.total - self.database - self.orm - self.templates
        return {
            name: seconds / n * 1000
            for name, seconds in (
                ("total", self.total),
                ("database", self.database),
                ("orm", self.orm),
                ("templates", self.templates),
                ("rest", rest),
            )
        }


@contextmanager
def instruments(split: Split):
    """Count into `split` while inside; Django's classes are as they were afterwards."""
    execute_sql, render = SQLCompiler.execute_sql, Template.render
    clock = time.perf_counter
    # How deep inside execute_sql and a template render the request is: only the outermost call counts.
    depth = {"orm": 0, "render": 0}
    # Database and orm time spent inside the template render now under way, to take off its time.
    in_render = {"database": 0.0, "orm": 0.0}

    def timed_execute(execute, sql, params, many, context):
        started = clock()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = clock() - started
            split.database += spent
            if depth["render"]:
                in_render["database"] += spent

    def timed_execute_sql(self, *args, **kwargs):
        if depth["orm"]:
            return execute_sql(self, *args, **kwargs)
        depth["orm"] += 1
        database_before = split.database
        started = clock()
        try:
            return execute_sql(self, *args, **kwargs)
        finally:
            depth["orm"] -= 1
            spent = clock() - started - (split.database - database_before)
            split.orm += spent
            if depth["render"]:
                in_render["orm"] += spent

    def timed_render(self, *args, **kwargs):
        if depth["render"]:
            return render(self, *args, **kwargs)
        depth["render"] += 1
        in_render.update(database=0.0, orm=0.0)
        started = clock()
        try:
            return render(self, *args, **kwargs)
        finally:
            depth["render"] -= 1
            split.templates += clock() - started - in_render["database"] - in_render["orm"]

    SQLCompiler.execute_sql, Template.render = timed_execute_sql, timed_render
    try:
        with connection.execute_wrapper(timed_execute):
            yield split
    finally:
        SQLCompiler.execute_sql, Template.render = execute_sql, render


def measure(rows, *, requests: int, get) -> list[tuple[str, dict[str, float]]]:
    """Each page's split, from `requests` requests per page in rounds over all pages (`get(row)` makes one)."""
    splits = [Split() for _ in rows]
    for _ in range(requests):
        for row, split in zip(rows, splits, strict=True):
            with instruments(split):
                started = time.perf_counter()
                get(row)
                split.total += time.perf_counter() - started
                split.requests += 1
    return [(row.label, split.per_request_ms()) for row, split in zip(rows, splits, strict=True)]


def table(measured: list[tuple[str, dict[str, float]]]) -> list[str]:
    width = max(len(label) for label, _ in measured)
    names = ("total", "database", "orm", "templates", "rest")
    lines = [f"{'page':<{width}}  " + "  ".join(f"{name:>9}" for name in names) + "   (ms per request, mean)"]
    lines.append("-" * len(lines[0]))
    for label, ms in measured:
        lines.append(f"{label:<{width}}  " + "  ".join(f"{ms[name]:9.2f}" for name in names))
    return lines
