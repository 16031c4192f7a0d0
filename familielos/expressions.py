"""ORM expressions of our own."""

from django.db.models import Func


class CorrelatedSQL(Func):
    """A scalar subquery written as SQL inside an ORM query, correlated with the query's row: `sql` reads the row's
    columns as %(name)s, one for each keyword of `columns` (an F expression, which the ORM compiles to the row's
    column under whatever alias its table has there).

    For a subquery a hot page's query carries on every request: from querysets, the ORM takes milliseconds to build
    and compile what PostgreSQL reads in microseconds. `sql` is a constant of the code, never text from a request;
    it holds no other % (it is formatted with %, and the database driver reads % again) and takes no parameters, and
    the columns must compile without any."""

    # Aggregated over, or grouped by, as Django's Subquery is: by the row's columns it reads.
    subquery = True

    def __init__(self, sql: str, *, output_field, **columns):
        super().__init__(*columns.values(), output_field=output_field)
        self.sql, self.names = sql, list(columns)

    def as_sql(self, compiler, connection, **extra_context):
        columns = {}
        for name, column in zip(self.names, self.get_source_expressions(), strict=True):
            columns[name], params = compiler.compile(column)
            if params:
                raise ValueError(f"CorrelatedSQL takes plain columns, not {column!r}")
        return f"({self.sql % columns})", []

    def get_group_by_cols(self):
        return [col for column in self.get_source_expressions() for col in column.get_group_by_cols()]
