"""Incoming hooks: authenticate a delivery, drop one already seen, then start a conversation or resume the waiting one.

Every write happens in one transaction with the HookDelivery row; its unique (hook, delivery_id) constraint is what
makes the same delivery twice start nothing twice, even when both copies arrive at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jmespath
from django.conf import settings
from django.db import IntegrityError, transaction
from jmespath.exceptions import JMESPathError

from integrations import credentials
from integrations.errors import CredentialError
from integrations.kinds import Unverified

from . import actions
from .actions import ActionError
from .models import Conversation, Hook, HookDelivery, Message, Run

log = logging.getLogger(__name__)

CREDENTIAL_KIND = "webhook_secret"
WAITING_TYPE = "webhook"  # Conversation.awaiting["type"] while a wait_webhook node waits
MAX_ID_LENGTH = 200
TOKEN_HEADERS = ("Authorization", "X-Hook-Token")
ID_HEADERS = ("webhook-id", "Idempotency-Key", "X-Request-Id")


class InvalidSignature(ActionError):
    code = "invalid_signature"
    status = 401


class InvalidToken(ActionError):
    code = "invalid_token"
    status = 401


class StaleTimestamp(ActionError):
    code = "timestamp_out_of_tolerance"


class InvalidTimestamp(ActionError):
    code = "invalid_timestamp"


class InvalidPayload(ActionError):
    code = "invalid_payload"


class MissingExternalId(ActionError):
    code = "missing_external_id"


class HookMisconfigured(ActionError):
    """The hook's own setup is wrong (not the sender's request): 503, so the sender retries once it is fixed."""

    code = "hook_not_configured"
    status = 503


@dataclass(frozen=True)
class Receipt:
    """What became of a delivery; `duplicate` when it was seen before and nothing was done this time."""

    outcome: str
    delivery_id: str
    conversation_id: str | None
    detail: str
    duplicate: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "delivery_id": self.delivery_id,
            "conversation_id": self.conversation_id,
            "detail": self.detail,
            "duplicate": self.duplicate,
        }


def find(flow_slug: str, key: str) -> Hook | None:
    """The enabled hook at this catch URL; a disabled one is as unknown as a missing one."""
    return Hook.objects.select_related("flow", "credential").filter(flow__slug=flow_slug, key=key, enabled=True).first()


def receive(hook: Hook, headers: Mapping[str, str], body: bytes) -> Receipt:
    """Authenticate the delivery, parse its JSON, and start or resume a conversation (once per delivery id)."""
    delivery_id = authenticate(hook, headers, body)
    payload = parse_payload(body)
    external_id = extract_external_id(hook, payload)
    return deliver(hook, delivery_id, payload, external_id)


# Authentication.


def authenticate(hook: Hook, headers: Mapping[str, str], body: bytes) -> str:
    """The delivery id of an authentic delivery; raises 401 (bad or missing proof) or 400 (stale timestamp).

    Through the same door as a node's credential: resolved for the allowed kind (audited), then the kind's own verify.
    """
    mode = "signature" if hook.auth == Hook.Auth.SIGNATURE else "token"
    try:
        signed_id = credentials.verify_inbound(
            hook.credential,
            headers,
            body,
            kinds_allowed=[CREDENTIAL_KIND],
            user=f"the hook {hook.key!r}",
            flow_id=str(hook.flow_id),
            mode=mode,
            tolerance_s=settings.HOOK_TOLERANCE_S,
        )
    except CredentialError as exc:
        credential = hook.credential
        if credential.kind != CREDENTIAL_KIND:
            raise HookMisconfigured(
                f"The hook's credential {credential.name!r} is a {credential.kind!r} credential, not a webhook secret; "
                "an editor must pick a webhook-secret credential."
            ) from None
        log.error("hook %s: %s", hook, exc)
        raise HookMisconfigured(
            "The hook's credential cannot be decrypted on this server; an admin must fix it."
        ) from None
    except Unverified as exc:
        raise _REFUSALS[exc.reason](str(exc)) from None
    if mode == "signature":
        return _bounded_id(signed_id)
    lower = {k.lower(): v for k, v in headers.items()}
    for name in ID_HEADERS:
        if value := lower.get(name.lower(), "").strip():
            return _bounded_id(value)
    # No id from the sender: the body itself is the id, so an identical body is treated as the same delivery.
    return "sha256:" + hashlib.sha256(body).hexdigest()


_REFUSALS: dict[str, type[ActionError]] = {
    "misconfigured": HookMisconfigured,
    "invalid_signature": InvalidSignature,
    "invalid_token": InvalidToken,
    "invalid_timestamp": InvalidTimestamp,
    "stale": StaleTimestamp,
}


def _bounded_id(value: str) -> str:
    return value if len(value) <= MAX_ID_LENGTH else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


# The payload.


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_payload(body: bytes) -> Any:
    """The posted JSON document; a clear 400 for an empty body, form data or broken JSON."""
    if not body.strip():
        raise InvalidPayload("The body is empty; post a JSON document (Content-Type: application/json).")
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise InvalidPayload("The body is not UTF-8 text; post a JSON document.") from None
    except ValueError as exc:
        raise InvalidPayload(
            f"The body is not valid JSON ({exc}); post a JSON document (Content-Type: application/json), not form data."
        ) from None


def extract_external_id(hook: Hook, payload: Any) -> str:
    """The external user id at the hook's JMESPath, as text; '' when the hook has no path."""
    if not hook.external_id_path:
        if hook.action == Hook.Action.RESUME:
            raise HookMisconfigured(
                "The hook resumes conversations by external id but has no external id path; an editor must set one."
            )
        return ""
    try:
        value = jmespath.search(hook.external_id_path, payload)
    except JMESPathError as exc:
        raise HookMisconfigured(f"The hook's external id path {hook.external_id_path!r} is not valid: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, str | int | float) or str(value).strip() == "":
        found = "nothing" if value is None or value == "" else f"a {type(value).__name__}"
        raise MissingExternalId(
            f"The payload has {found} at {hook.external_id_path!r}; it must hold the external id (a text or a number)."
        )
    text = str(value).strip()
    if len(text) > 200:
        raise MissingExternalId(f"The external id at {hook.external_id_path!r} is longer than 200 characters.")
    return text


# The write.


def seen(hook: Hook, delivery_id: str) -> Receipt | None:
    delivery = HookDelivery.objects.filter(hook=hook, delivery_id=delivery_id).first()
    if delivery is None:
        return None
    return Receipt(
        outcome=delivery.outcome,
        delivery_id=delivery_id,
        conversation_id=str(delivery.conversation_id) if delivery.conversation_id else None,
        detail=f"Already received at {delivery.received_at:%Y-%m-%d %H:%M:%S} UTC; nothing was done this time.",
        duplicate=True,
    )


def deliver(hook: Hook, delivery_id: str, payload: Any, external_id: str) -> Receipt:
    """Start or resume a conversation and record the delivery, in one transaction; a seen id does nothing."""
    if (earlier := seen(hook, delivery_id)) is not None:
        return earlier
    try:
        with transaction.atomic():
            if hook.action == Hook.Action.START:
                conversation: Conversation | None
                conversation, _token, _run = actions.start_conversation(
                    hook.flow, channel="hook", external_user_id=external_id, variables={hook.variable: payload}
                )
                outcome, detail = HookDelivery.Outcome.STARTED, "Started a new conversation."
            else:
                conversation, outcome, detail = _resume(hook, delivery_id, payload, external_id)
            HookDelivery.objects.create(
                hook=hook, delivery_id=delivery_id, outcome=outcome, conversation=conversation, detail=detail[:500]
            )
    except IntegrityError:
        # The same delivery arrived twice at once: the other copy stored its row first, and this one rolled back.
        if (earlier := seen(hook, delivery_id)) is None:
            raise
        return earlier
    return Receipt(outcome, delivery_id, str(conversation.pk) if conversation else None, detail)


def _resume(
    hook: Hook, delivery_id: str, payload: Any, external_id: str
) -> tuple[Conversation | None, HookDelivery.Outcome, str]:
    # The row lock orders this with chat messages to the same conversation, as actions.post_message does.
    conversation = (
        Conversation.objects.select_for_update()
        .filter(
            flow_id=hook.flow_id,
            status=Conversation.Status.ACTIVE,
            external_user_id=external_id,
            awaiting__type=WAITING_TYPE,
            awaiting__hook=hook.key,
        )
        .order_by("-updated_at")
        .first()
    )
    if conversation is None:
        return (
            None,
            HookDelivery.Outcome.IGNORED,
            f"No active conversation with external id {external_id!r} is waiting for this hook.",
        )
    if Run.objects.filter(conversation=conversation, trigger=Run.Trigger.HOOK, status=Run.Status.QUEUED).exists():
        return (
            conversation,
            HookDelivery.Outcome.IGNORED,
            "The conversation is already being resumed by an earlier delivery.",
        )
    message = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.IN,
        text="",
        payload={"key": hook.key, "variable": hook.variable, "delivery_id": delivery_id, "payload": payload},
    )
    Run.objects.create(
        conversation=conversation, flow_id=conversation.flow_id, trigger=Run.Trigger.HOOK, inbound=message
    )
    actions._send_turn(conversation.pk)  # the one way a turn is queued: on commit
    return conversation, HookDelivery.Outcome.RESUMED, "Resumed the conversation waiting for this hook."


def hook_event(run: Run) -> dict[str, Any] | None:
    """The delivery a hook-triggered run carries to the waiting node (None for every other run)."""
    if run.trigger != Run.Trigger.HOOK or run.inbound is None or not isinstance(run.inbound.payload, dict):
        return None
    return run.inbound.payload


def waits_for(awaiting: Any, key: Any) -> bool:
    """Whether a conversation waiting with `awaiting` waits for a delivery to the hook `key`."""
    return isinstance(awaiting, dict) and awaiting.get("type") == WAITING_TYPE and awaiting.get("hook") == key


# The builder's writes.


def save_hook(hook: Hook) -> Hook:
    with transaction.atomic():
        hook.save()
    return hook


def delete_hook(hook: Hook) -> None:
    with transaction.atomic():
        hook.delete()
