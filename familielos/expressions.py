"""ORM expressions of our own."""

from django.db.models import Func


class CorrelatedSQL(Func):
    """A scalar subquery written as SQL inside an ORM query, correlated with the query's row: `sql` reads the row's
    columns as {0}, {1} … in the order of `columns` (F expressions, which the ORM compiles to the row's table under
    whatever alias it has there).

    For a subquery every view of a hot page carries: built from querysets, the ORM took milliseconds to build and
    compile it on every request (an expression tree copied at each step), against microseconds for the SQL. The SQL
    takes no parameters of its own; the columns are plain columns."""

    def __init__(self, sql: str, *columns, output_field):
        super().__init__(*columns, output_field=output_field)
        self.sql = sql

    def as_sql(self, compiler, connection, **extra_context):
        names = []
        for column in self.get_source_expressions():
            name, params = compiler.compile(column)
            if params:
                raise ValueError(f"CorrelatedSQL takes plain columns, not {column!r}")
            names.append(name)
        return f"({self.sql.format(*names)})", []
