"""Bench-only what-if, not the production settings: Celery's default database handling in the worker.

Celery's Django fixup closes the connection, and with Django's pool on also the pool, before and after every task in
a prefork worker unless CELERY_DB_REUSE_MAX is set (the production settings set it); so each turn would open a new
PostgreSQL connection. The bench runs the worker once with this module as its settings to show what that costs.
"""

from config.settings import *  # noqa: F403

CELERY_DB_REUSE_MAX = 0
