"""Admin for credentials: a form per kind (secrets write-only), the connection check, and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.views.decorators.http import require_POST

from . import checks, kinds, vault
from .kinds.base import CHOICE, HEADERS, JSON_FILE, JSON_FILE_MAX_BYTES, TEXT, URL, Field, Kind
from .models import Credential, CredentialEvent

MASK = "•••••• (set)"


class SecretTextarea(forms.Textarea):
    """A multi-line secret (signing secrets): like PasswordInput(render_value=False), it never renders a value."""

    def format_value(self, value: Any) -> None:
        return None


class JsonFileWidget(forms.MultiWidget):
    """A key file: uploaded (<name>_file) or pasted (<name>); the upload wins. A secret one never renders its value."""

    def __init__(self, secret: bool):
        text = SecretTextarea(attrs={"rows": 4}) if secret else forms.Textarea(attrs={"rows": 4})
        super().__init__({"file": forms.FileInput(attrs={"accept": ".json,application/json"}), "": text})

    def decompress(self, value: Any) -> list[Any]:
        return [None, value]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        upload = files.get(f"{name}_file")
        if upload is not None:
            return upload.read(JSON_FILE_MAX_BYTES + 1)  # bytes: Field.parse decodes them and refuses a huge file
        return data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}_file" not in files and name not in data


def _form_field(spec: Field) -> forms.Field:
    always_required = spec.required and not spec.show_if and not spec.secret and not spec.derived
    # Admin shows help text as HTML: escaped, "Bearer <token>" reads as written instead of an empty tag.
    common: dict[str, Any] = {"label": spec.label, "help_text": escape(spec.help), "required": always_required}
    widget: forms.Widget
    if spec.derived:  # shown for reading (the kind fills it in), never typed
        return forms.CharField(widget=forms.TextInput(attrs={"size": 60}), disabled=True, **common)
    if spec.type == JSON_FILE:
        return forms.Field(widget=JsonFileWidget(spec.secret), **common)
    if spec.secret:
        widget = SecretTextarea(attrs={"rows": 3}) if spec.type == TEXT else forms.PasswordInput(render_value=False)
        return forms.CharField(widget=widget, strip=False, **common)
    if spec.type == CHOICE:
        choices = spec.choices if always_required else (("", "---------"), *spec.choices)
        return forms.ChoiceField(choices=choices, initial=spec.default, **common)
    if spec.type in (TEXT, HEADERS):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial=spec.format(spec.default), **common)
    widget = forms.URLInput(attrs={"size": 60}) if spec.type == URL else forms.TextInput(attrs={"size": 40})
    return forms.CharField(widget=widget, initial=spec.format(spec.default), **common)


class CredentialForm(forms.ModelForm):
    """The fields of one kind: settings stored as they are, secrets encrypted; a blank secret keeps its value."""

    kind: ClassVar[Kind]

    class Meta:
        model = Credential
        fields = ["name"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.old_settings: dict[str, Any] = dict(self.instance.settings or {}) if self.instance.pk else {}
        self.old_secrets: dict[str, Any] = {}
        self.decrypt_problem = ""
        if self.instance.pk and self.instance.secrets_encrypted:
            try:
                self.old_secrets = vault.decrypt_credential(self.instance.name, self.instance.secrets_encrypted)
            except vault.VaultError as exc:
                self.decrypt_problem = str(exc)
        for spec in self.kind.fields:
            field = self.fields[spec.name]
            if spec.secret:
                if self.old_secrets.get(spec.name):
                    field.help_text = escape(f"{MASK}; leave blank to keep it. {spec.help}".strip())
                elif self.decrypt_problem:
                    field.help_text = escape(
                        f"Cannot be decrypted with the current keys: enter it again. {spec.help}".strip()
                    )
            elif self.instance.pk and spec.name in self.old_settings:
                self.initial[spec.name] = spec.format(self.old_settings[spec.name])
        self.changed_names: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        settings: dict[str, Any] = {}
        for spec in self.kind.setting_fields:
            try:
                settings[spec.name] = spec.parse(data.get(spec.name))
            except ValueError as exc:
                self.add_error(spec.name, str(exc))
        # Settings and secrets the chosen options do not use (a bearer token after switching to basic auth) are not
        # kept around: what is stored is what the credential uses.
        settings = {k: v for k, v in settings.items() if self.kind.field(k).shown(settings)}
        secrets = dict(self.old_secrets)
        for spec in self.kind.secret_fields:
            typed = data.get(spec.name) or ""
            if typed.strip():
                try:
                    secrets[spec.name] = spec.parse(typed)
                except ValueError as exc:
                    self.add_error(spec.name, str(exc))
        known = {spec.name: spec for spec in self.kind.secret_fields}
        secrets = {k: v for k, v in secrets.items() if k in known and known[k].shown(settings) and v}
        for name, message in self.kind.validate(settings, secrets).items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        if self.errors:
            return data
        settings.update(self.kind.derive(settings, secrets))
        try:
            self.secrets_token = vault.encrypt(secrets) if secrets else ""
        except vault.VaultError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.new_settings = settings
        names = [s.name for s in self.kind.setting_fields if _differs(settings, self.old_settings, s.name)]
        names += [n for n in known if _differs(secrets, self.old_secrets, n)]
        if "name" in self.changed_data:
            names.insert(0, "name")
        if not self.instance.pk:  # on create, the fields that were filled in
            names = ["name", *[s.name for s in self.kind.setting_fields if settings.get(s.name)]]
            names += [n for n in known if secrets.get(n)]
        self.changed_names = names
        return data

    def save(self, commit: bool = True) -> Credential:
        credential = super().save(commit=False)
        credential.kind = self.kind.key
        credential.settings = self.new_settings
        credential.secrets_encrypted = self.secrets_token
        if commit:
            credential.save()
        return credential


def _differs(new: dict[str, Any], old: dict[str, Any], name: str) -> bool:
    """Missing, blank and empty count as the same (a field the old record did not store)."""
    return (new.get(name) or None) != (old.get(name) or None)


def form_for(kind: Kind) -> type[CredentialForm]:
    attrs: dict[str, Any] = {spec.name: _form_field(spec) for spec in kind.fields}
    attrs["kind"] = kind
    return type(f"{type(kind).__name__}CredentialForm", (CredentialForm,), attrs)


def _event(credential: Credential, action: str, actor: str, detail: str = "") -> None:
    CredentialEvent.objects.create(
        credential=credential, credential_name=credential.name, action=action, actor=actor, detail=detail[:500]
    )


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["name", "kind_label", "summary", "status", "checked_at"]
    list_filter = ["kind", "check_status"]
    search_fields = ["name"]
    actions = ["check_connection"]
    change_form_template = "admin/integrations/credential/change_form.html"
    check_fields = ["check_status", "check_message", "check_latency_ms", "checked_at"]

    # -- which kind -------------------------------------------------------------------------------------------------

    def _kind(self, request: HttpRequest, obj: Credential | None) -> Kind | None:
        key = obj.kind if obj is not None else request.GET.get("kind", "")
        try:
            return kinds.get(key)
        except kinds.UnknownKind:
            return None

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        if self._kind(request, None) is None:
            return self.choose_kind_view(request)
        return super().add_view(request, form_url, extra_context)

    def choose_kind_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add credential: choose its kind",
            "kinds": kinds.all(),
            "unknown": request.GET.get("kind", ""),
        }
        return TemplateResponse(request, "admin/integrations/credential/choose_kind.html", context)

    # -- the form ---------------------------------------------------------------------------------------------------

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kind = self._kind(request, obj)
        if kind is None:  # a kind this version does not know: its name only, settings and secrets left as they are
            return forms.modelform_factory(Credential, fields=["name"])
        return form_for(kind)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        kind = self._kind(request, obj)
        main = ["name", "kind_label"] if obj is not None else ["name"]
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [(None, {"fields": main})]
        if kind is not None:
            if kind.setting_fields:
                fieldsets.append(("Settings", {"fields": [f.name for f in kind.setting_fields]}))
            if kind.secret_fields:
                description = "Write-only: stored encrypted and never shown again. A blank field keeps its value."
                fieldsets.append(
                    ("Secrets", {"fields": [f.name for f in kind.secret_fields], "description": description})
                )
        if obj is not None:
            fieldsets.append(("Connection check", {"fields": self.check_fields}))
            fieldsets.append(("History", {"fields": ["created_at", "updated_at", "audit_log"]}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["kind_label", *self.check_fields, "created_at", "updated_at", "audit_log"]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id) if object_id else None
        kind = self._kind(request, obj)
        extra = {
            **(extra_context or {}),
            "kind": kind,
            "show_if": {f.name: {k: list(v) for k, v in f.show_if.items()} for f in kind.fields if f.show_if}
            if kind
            else {},
        }
        if obj is not None and obj.secrets_encrypted and request.method == "GET":
            try:
                vault.decrypt_credential(obj.name, obj.secrets_encrypted)
            except vault.VaultError as exc:
                self.message_user(request, f"{exc} Enter its secrets again to store them under the current key.",
                                  messages.WARNING)  # fmt: skip
        if obj is not None and kind is None:
            self.message_user(request, f"This version does not know the kind {obj.kind!r}.", messages.WARNING)
        return super().changeform_view(request, object_id, form_url, extra)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        names = getattr(form, "changed_names", None) or (["name"] if "name" in form.changed_data else [])
        if change and not names:
            return
        action = CredentialEvent.Action.CHANGED if change else CredentialEvent.Action.CREATED
        detail = ("Changed: " if change else "Created with: ") + ", ".join(names)
        _event(obj, action, request.user.get_username(), detail)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _event(obj, CredentialEvent.Action.DELETED, request.user.get_username())
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            _event(obj, CredentialEvent.Action.DELETED, request.user.get_username())
        super().delete_queryset(request, queryset)

    # -- columns and read-only fields -------------------------------------------------------------------------------

    @admin.display(description="Kind", ordering="kind")
    def kind_label(self, obj: Credential) -> str:
        return kinds.label(obj.kind)

    @admin.display(description="Settings")
    def summary(self, obj: Credential) -> str:
        try:
            return kinds.get(obj.kind).summary(obj.settings or {})
        except kinds.UnknownKind:
            return ""

    @admin.display(description="Check", ordering="check_status")
    def status(self, obj: Credential) -> str:
        colour = {"ok": "#2e7d32", "failed": "#c62828"}.get(obj.check_status, "#666")
        return format_html('<span style="color:{}" title="{}">{}</span>', colour, obj.check_message,
                           obj.get_check_status_display())  # fmt: skip

    @admin.display(description="Audit log")
    def audit_log(self, obj: Credential) -> str:
        url = reverse("admin:integrations_credentialevent_changelist") + f"?credential__id__exact={obj.pk}"
        return format_html('<a href="{}">{} events</a>', url, obj.events.count())

    # -- the connection check ---------------------------------------------------------------------------------------

    def get_urls(self) -> list:
        check = self.admin_site.admin_view(require_POST(self.check_view))
        return [path("<int:object_id>/check/", check, name="integrations_credential_check"), *super().get_urls()]

    def check_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = self.get_object(request, str(object_id))
        if obj is None:
            return HttpResponseRedirect(reverse("admin:integrations_credential_changelist"))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        self._check(request, obj)
        return HttpResponseRedirect(reverse("admin:integrations_credential_change", args=[obj.pk]))

    def _check(self, request: HttpRequest, obj: Credential) -> checks.CheckResult:
        result = checks.check(obj, actor=request.user.get_username())
        level = messages.SUCCESS if result.ok else messages.ERROR
        verdict = "works" if result.ok else "failed its check"
        self.message_user(request, f"{obj.name} {verdict} ({result.latency_ms:.0f} ms): {result.message}", level)
        return result

    @admin.action(description="Check connection", permissions=["change"])
    def check_connection(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self._check(request, obj)


@admin.register(CredentialEvent)
class CredentialEventAdmin(admin.ModelAdmin):
    """The audit log: read-only for everyone, kept when its credential is deleted."""

    list_display = ["at", "credential_name", "action", "actor", "run_id", "flow_id", "node_id", "detail"]
    list_filter = ["action", "credential"]
    search_fields = ["credential_name", "actor", "detail", "flow_id", "node_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
