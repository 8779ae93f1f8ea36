"""Django's PostgreSQL backend, with a few rows inserted as VALUES rather than as UNNEST arrays (decision 0048)."""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "config.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
