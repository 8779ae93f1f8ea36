"""The connection check of a credential, as admin runs it: the kind's check through a Services of its own."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.utils import timezone

from . import kinds
from .credentials import CredentialError, resolve
from .errors import OutboundError
from .models import Credential, CredentialEvent
from .services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str
    latency_ms: float


def check(credential: Credential, *, actor: str = "") -> CheckResult:
    """Run the kind's connection check; store status, message, latency and time; write a "checked" event."""
    services = Services()
    t0 = time.perf_counter()
    try:
        kind = kinds.get(credential.kind)
        resolved = resolve(credential)
        services.register(resolved)
        message = kind.check(resolved, services)
        ok = True
    except (kinds.CheckFailed, CredentialError, OutboundError, kinds.UnknownKind) as exc:
        ok, message = False, str(exc)
    except Exception as exc:  # noqa: BLE001 - a broken check is a failed check, not an admin error page
        log.warning("the check of credential %s failed unexpectedly: %s", credential.pk, type(exc).__name__)
        ok, message = False, f"The check failed unexpectedly ({type(exc).__name__})."
    latency_ms = round((time.perf_counter() - t0) * 1000, 1)
    services.close()
    message = str(services.redact(message))[:2000]
    status = Credential.CheckStatus.OK if ok else Credential.CheckStatus.FAILED
    now = timezone.now()
    # update(), not save(): a check changes no setting, so updated_at (and cached OAuth tokens) stay as they are.
    Credential.objects.filter(pk=credential.pk).update(
        check_status=status, check_message=message, check_latency_ms=latency_ms, checked_at=now
    )
    credential.check_status, credential.check_message = status, message
    credential.check_latency_ms, credential.checked_at = latency_ms, now
    CredentialEvent.objects.create(
        credential=credential,
        credential_name=credential.name,
        action=CredentialEvent.Action.CHECKED,
        actor=actor,
        detail=f"{status}: {message}"[:500],
    )
    return CheckResult(ok, message, latency_ms)
