"""Celery's configuration comes from Django's CELERY_ settings, read as a plain dict (config/celery_conf.py)."""

from __future__ import annotations

from django.conf import settings

from config.celery import app
from tests.support.processes import fresh_json


def test_celery_sees_every_celery_setting_of_django():
    conf = app.conf
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1 and conf.task_ignore_result is True
    assert conf.broker_transport_options == settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert conf.db_reuse_max == settings.CELERY_DB_REUSE_MAX
    assert conf.worker_hijack_root_logger is False
    # The lookup Celery makes on every send reads a dict, not Django's settings object.
    from config.celery_conf import SETTINGS

    assert type(SETTINGS) is dict and SETTINGS["CELERY_BROKER_URL"] == settings.CELERY_BROKER_URL


def _in_a_fresh_interpreter(env_extra: dict[str, str]) -> dict:
    code = (
        "import json, logging, django; django.setup()\n"
        "from config.celery import app\n"
        "print(json.dumps({'queue': app.conf.task_default_queue, 'visibility':"
        " app.conf.broker_transport_options['visibility_timeout'],"
        " 'trace': logging.getLogger('celery.app.trace').getEffectiveLevel(),"
        " 'received': logging.getLogger('celery.worker.strategy').getEffectiveLevel()}))"
    )
    return fresh_json(code, drop=("PYTEST_VERSION",), DJANGO_SETTINGS_MODULE="config.settings", **env_extra)


def test_environment_settings_reach_celery_and_task_lines_are_quiet_by_default():
    seen = _in_a_fresh_interpreter({"CELERY_QUEUE": "elsewhere", "CELERY_VISIBILITY_TIMEOUT": "77"})
    assert seen["queue"] == "elsewhere" and seen["visibility"] == 77
    assert seen["trace"] == 30 and seen["received"] == 30  # WARNING: a failed task still logs (ERROR)
    loud = _in_a_fresh_interpreter({"CELERY_TASK_LOG_LEVEL": "INFO"})
    assert loud["trace"] == 20 and loud["received"] == 20
