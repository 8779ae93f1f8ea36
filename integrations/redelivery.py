"""Send a logged webhook delivery again (the admin's Redeliver action), through a Services of its own."""

from __future__ import annotations

import time
from typing import Any

from .errors import CredentialError, OutboundError
from .http import Retry
from .models import OutboundDelivery
from .services import Services
from .webhooks.deliveries import PLATFORMS, body_bytes, delivery_headers, host_problem


def redeliver(delivery_id: int) -> Any:
    """Send a logged delivery again (same webhook id, fresh timestamp and signature) and log it as a new row."""
    original = OutboundDelivery.objects.get(pk=delivery_id)
    svc = Services(flow_id=original.flow_id)
    body = original.body.encode("utf-8") if original.body else body_bytes(original.payload)
    response = None
    error = ""
    started = time.perf_counter()
    try:
        problem = host_problem(original.platform, original.url)
        if problem:
            raise OutboundError(problem)
        signed = None
        if original.credential_id:
            conn = svc.connection(original.credential_id, kinds=["webhook_secret"], node_id=original.node_id)
            signed = conn.sign(body, msg_id=original.webhook_id)
        headers = delivery_headers(original.webhook_id, body, signed)
        response = svc.http.request("POST", original.url, data=body, headers=headers, retry=Retry(attempts=1))
        if not response.ok:
            error = f"{PLATFORMS.get(original.platform, original.platform)} answered HTTP {response.status}."
    except (OutboundError, CredentialError) as exc:
        error = str(exc)
    delivered = response is not None and response.ok
    new_id = svc.record_delivery(
        webhook_id=original.webhook_id,
        platform=original.platform,
        url=original.url,
        payload=original.payload,
        body=original.body,
        credential_id=original.credential_id,
        status=OutboundDelivery.Status.DELIVERED if delivered else OutboundDelivery.Status.FAILED,
        response_status=response.status if response is not None else None,
        attempts=response.attempts if response is not None else _attempts(svc.http.exchanges),
        latency_ms=round(response.elapsed_ms if response is not None else (time.perf_counter() - started) * 1000, 1),
        response_excerpt=_text(response) if response is not None else "",
        error=error,
        run_id=original.run_id,
        node_id=original.node_id,
        redelivery_of_id=original.pk,
    )
    return OutboundDelivery.objects.get(pk=new_id)


def _attempts(exchanges: list[dict[str, Any]]) -> int:
    """Attempts made by a request that raised: its exchange says, and none was made when it was refused up front."""
    last = exchanges[-1].get("attempts") if exchanges else None
    return int(last) if isinstance(last, int) else len(exchanges)


def _text(response: Any) -> str:
    try:
        return str(response.text)
    except (UnicodeDecodeError, LookupError):
        return bytes(response.content).decode("utf-8", "replace")
