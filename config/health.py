"""`/healthz`: are the database, Redis, a Celery worker and a timer scheduler there? 200 when all are, else 503
naming what is down."""

import time

from django.db import connection
from django.http import JsonResponse

from flows import live
from flows.heartbeat import live_workers
from flows.scheduler import live_schedulers
from flows.timers import overdue


def _timed(check):
    t0 = time.perf_counter()
    try:
        detail = check()
        return {"ok": True, "latency_ms": round((time.perf_counter() - t0) * 1000, 2), **(detail or {})}
    except Exception as exc:  # noqa: BLE001 - a health check reports failures, it does not raise them
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"vendor": connection.vendor}


def _redis():
    live.client().ping()


def _worker():
    workers = live_workers()
    if not workers:
        raise RuntimeError("no Celery worker has reported in the last few seconds")
    return {"workers": workers}


def _scheduler():
    schedulers = live_schedulers()
    if not schedulers:
        raise RuntimeError("no timer scheduler has reported in the last few seconds")
    return {"schedulers": schedulers, **overdue()}


def healthz(request):
    report = {"database": _timed(_database), "redis": _timed(_redis)}
    report["worker"] = _timed(_worker) if report["redis"]["ok"] else {"ok": False, "error": "redis is down"}
    report["scheduler"] = _timed(_scheduler) if report["redis"]["ok"] else {"ok": False, "error": "redis is down"}
    down = [name for name, part in report.items() if not part["ok"]]
    if not down:
        return JsonResponse({"ok": True, "down": [], **report})
    message = f"Unavailable: {', '.join(down)}."
    response = JsonResponse({"ok": False, "down": down, "message": message, **report}, status=503)
    response["Retry-After"] = "5"
    return response
