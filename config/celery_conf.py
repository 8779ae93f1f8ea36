"""Django's CELERY_ settings as a plain dict: what config/celery.py gives Celery as its configuration.

Celery looks its settings up on every task it sends and runs, under two names each. Through Django's settings object
every lookup was a chain of getattr calls and every name not set an exception: a quarter of a send's CPU. A dict
answers both at C speed (docs/decisions/0049-compiled-writes-and-a-plain-celery-configuration.md). Imported lazily,
when Celery first reads its configuration, so Django's settings are loaded by then.
"""

from typing import Any

from django.conf import settings

SETTINGS: dict[str, Any] = {name: getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")}
