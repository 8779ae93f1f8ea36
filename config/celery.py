"""The Celery app; tasks live in flows/tasks.py (turns) and integrations/tasks.py (bulk email)."""

import os

from celery import Celery

from config import broker_patch, broker_qos

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

broker_patch.apply()  # a Redis restart must not end the worker (see the module)
broker_qos.apply()  # a turn's task is acknowledged in memory: its run is in the database (see the module)
app = Celery("flowbuilder")
# Django's CELERY_ settings, as a plain dict imported when Celery first reads its configuration (config/celery_conf.py).
app.config_from_object("config.celery_conf:SETTINGS", namespace="CELERY")
app.autodiscover_tasks(["flows", "integrations"])
