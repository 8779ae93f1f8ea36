"""The Celery app; tasks live in flows/tasks.py (turns) and integrations/tasks.py (bulk email)."""

import os

from celery import Celery

from config import broker_patch

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

broker_patch.apply()  # a Redis restart must not end the worker (see the module)
app = Celery("flowbuilder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["flows", "integrations"])
