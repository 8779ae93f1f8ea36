"""The Celery app; tasks live in flows/tasks.py (turns) and integrations/tasks.py (bulk email)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("flowbuilder")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["flows", "integrations"])
