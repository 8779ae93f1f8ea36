"""Credentials as nodes use them: resolved (decrypted) by id for the kinds a node accepts, and checked from admin."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from . import kinds, vault
from .errors import CredentialError
from .kinds.base import ResolvedCredential
from .models import Credential, CredentialEvent

log = logging.getLogger(__name__)


def _kind_label(key: str) -> str:
    return f"{kinds.label(key)} ({key})"


def check_kind(name: str, kind: str, kinds_allowed: Sequence[str], *, user: str = "this node") -> None:
    if kinds_allowed and kind not in kinds_allowed:
        wanted = " or ".join(_kind_label(k) for k in kinds_allowed)
        raise CredentialError(
            f"The credential {name!r} is of kind {_kind_label(kind)}; {user} needs one of kind {wanted}."
        )


def resolve(
    credential: Credential | int | None, *, kinds_allowed: Sequence[str] = (), user: str = "this node"
) -> ResolvedCredential:
    """The credential decrypted; CredentialError with a sentence saying what is wrong."""
    if credential is None or credential == "":
        raise CredentialError("No credential is chosen; pick one in the node's settings.")
    if not isinstance(credential, Credential):
        try:
            credential_id = int(credential)
        except (TypeError, ValueError):
            raise CredentialError(f"{credential!r} is not a credential id.") from None
        found = Credential.objects.filter(pk=credential_id).first()
        if found is None:
            raise CredentialError(
                f"There is no credential with id {credential_id} (it may have been deleted); "
                "choose another in the node's settings."
            )
        credential = found
    check_kind(credential.name, credential.kind, kinds_allowed, user=user)
    try:
        secrets = vault.decrypt_credential(credential.name, credential.secrets_encrypted)
    except vault.VaultError as exc:
        raise CredentialError(str(exc)) from None
    return ResolvedCredential(
        id=credential.pk,
        name=credential.name,
        kind=credential.kind,
        settings=dict(credential.settings or {}),
        secrets=secrets,
        version=credential.updated_at.isoformat() if credential.updated_at else "",
    )


def verify_inbound(
    credential: Credential | int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    kinds_allowed: Sequence[str],
    user: str,
    flow_id: str = "",
    **options: Any,
) -> str:
    """Check an inbound delivery with the credential's own kind (kinds.Kind.verify); every use is audited.

    Raises CredentialError when the credential cannot be used, kinds.Unverified when the delivery is not authentic;
    returns what the kind's verify returns (the signed delivery id, or "" for a token).
    """
    resolved = resolve(credential, kinds_allowed=kinds_allowed, user=user)
    try:
        verified = kinds.get(resolved.kind).verify(resolved, headers, body, **options)
    except kinds.Unverified as exc:
        _used(resolved, flow_id, f"{user}: refused ({exc.reason})")
        raise
    _used(resolved, flow_id, f"{user}: verified")
    return verified


def _used(resolved: ResolvedCredential, flow_id: str, detail: str) -> None:
    CredentialEvent.objects.create(
        credential_id=resolved.id,
        credential_name=resolved.name,
        action=CredentialEvent.Action.USED,
        flow_id=str(flow_id or ""),
        detail=detail[:500],
    )
