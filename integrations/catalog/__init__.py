"""The integration catalog: shipped templates (one JSON file each in shipped/, checked once) and admins' own."""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .spec import SpecInvalid, TemplateSpec, parse

__all__ = ["SpecInvalid", "TemplateSpec", "all_templates", "credential_kind", "get", "parse", "shipped"]

SHIPPED_DIR = Path(__file__).parent / "shipped"
log = logging.getLogger(__name__)


@cache
def shipped() -> dict[str, TemplateSpec]:
    """The shipped templates by key; a broken file stops the start, since every flow using it would fail."""
    found: dict[str, TemplateSpec] = {}
    for path in sorted(SHIPPED_DIR.glob("*.json")):
        try:
            spec = parse(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, SpecInvalid) as exc:
            raise ImproperlyConfigured(f"The integration template {path.name} is invalid: {exc}") from None
        if spec.key in found:
            raise ImproperlyConfigured(f"Two integration templates share the key {spec.key!r}")
        found[spec.key] = spec
    return found


def _custom(key: str | None = None) -> list[TemplateSpec]:
    from integrations.models import IntegrationTemplate

    rows = IntegrationTemplate.objects.filter(enabled=True)
    if key is not None:
        rows = rows.filter(key=key)
    specs = []
    for row in rows:
        try:
            specs.append(parse(row.as_data(), source="custom"))
        except SpecInvalid as exc:  # saved through admin it was valid; a newer check may refuse it
            log.warning("integration template %s is invalid and is skipped: %s", row.key, exc)
    return specs


def get(key: str) -> TemplateSpec | None:
    """The template with this key: a shipped one, else an enabled custom one, else None."""
    spec = shipped().get(key)
    if spec is not None:
        return spec
    found = _custom(key)
    return found[0] if found else None


def all_templates() -> list[TemplateSpec]:
    """Shipped and custom templates, by name (a custom one never shadows a shipped key)."""
    ours = shipped()
    custom = [spec for spec in _custom() if spec.key not in ours]
    return sorted([*ours.values(), *custom], key=lambda spec: (spec.name.casefold(), spec.key))


def problems_of(template: Any) -> dict[str, list[str]]:
    """An admin's template (an IntegrationTemplate) checked as the catalog reads it: problems per model field."""
    from integrations.models.templates import field_for

    errors: dict[str, list[str]] = {}
    if template.key in shipped():
        errors["key"] = [f"{template.key!r} is the key of a shipped template; choose another."]
    try:
        parse(template.as_data(), source="custom")
    except SpecInvalid as exc:
        for path, message in exc.problems:
            field, rest = field_for(path)
            errors.setdefault(field, []).append(f"{rest}: {message}" if rest else message)
    return errors


def credential_kind(credential_id: int) -> str | None:
    """The kind of a stored credential (None when there is none with this id), for save-time checks."""
    from integrations.models import Credential

    return Credential.objects.filter(pk=credential_id).values_list("kind", flat=True).first()
