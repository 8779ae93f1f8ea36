"""Flow assets as the integrations see them: a loader by name for a flow's Services (the flow's own, then shared)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db.models import F, Q

from integrations.providers.mail import Attachment, guess_type, safe_filename

from .models import FlowAsset


def loader(flow_id: Any) -> Callable[[str], Attachment | None]:
    """name -> the asset's file, for a run of this flow."""
    flow_pk = int(flow_id) if str(flow_id or "").isdigit() else None

    def load(name: str) -> Attachment | None:
        scope = Q(flow__isnull=True) | Q(flow_id=flow_pk) if flow_pk else Q(flow__isnull=True)
        asset = (
            FlowAsset.objects.filter(scope, name=name.strip())
            .order_by(F("flow_id").asc(nulls_last=True))
            .only("filename", "content_type", "data")
            .first()
        )
        return Attachment(asset.filename, asset.content_type, bytes(asset.data)) if asset else None

    return load


def fill(asset: FlowAsset, data: bytes, filename: str, content_type: str = "") -> FlowAsset:
    """Set the asset's bytes and what follows from them (size, digest, name and type when not given)."""
    asset.data = data
    asset.size = len(data)
    asset.sha256 = hashlib.sha256(data).hexdigest()
    asset.filename = safe_filename(asset.filename or filename)
    asset.name = (asset.name or asset.filename).strip()
    asset.content_type = guess_type(asset.filename, asset.content_type or content_type)
    return asset
