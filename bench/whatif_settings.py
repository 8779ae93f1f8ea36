"""Bench-only what-if, not the production settings: the Celery worker keeps its database connection across tasks.

Celery's Django fixup closes the connection, and with Django's pool on also the pool, before and after every task in
a prefork worker unless CELERY_DB_REUSE_MAX is set; so each turn opens a new PostgreSQL connection. The bench runs the
worker once with this module as its settings to measure what keeping the connection would change.
"""

from config.settings import *  # noqa: F403

CELERY_DB_REUSE_MAX = 1000
