"""The PostgreSQL compilers as Django has them, but a bulk insert of fewer than UNNEST_FROM_ROWS rows uses VALUES.

Django sends a multi-row insert as one array per column (UNNEST) so PostgreSQL plans it faster; a turn inserts two
to ten steps and messages, its statements are prepared once per connection (decision 0048), and psycopg's
building of those arrays cost more of the worker's CPU than the plain rows (about 1.4 against 1.0 ms a turn).
"""

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as UnnestInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as ValuesInsertCompiler

__all__ = ["SQLAggregateCompiler", "SQLCompiler", "SQLDeleteCompiler", "SQLInsertCompiler", "SQLUpdateCompiler"]

UNNEST_FROM_ROWS = 50


class SQLInsertCompiler(UnnestInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) < UNNEST_FROM_ROWS:
            return ValuesInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
