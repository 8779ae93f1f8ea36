"""Twilio: an Account SID with its Auth Token, or an API key (SID and secret) of that account.

The connection check fetches the account with the real `twilio` client, through the guarded client. Inbound
deliveries (Twilio's form posts to a channel) are verified with twilio's RequestValidator and the Auth Token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .base import CHOICE, RATE, URL, CheckFailed, Field, Kind, Unverified

DEFAULT_HOST = "api.twilio.com"
CHECK_TIMEOUT_S = 15.0
AUTH_TOKEN, API_KEY = "auth_token", "api_key"


def rate_keys(credential_id: int, settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The credential's own rate limit (Twilio queues what a number cannot send at once; this caps our side)."""
    rate = str(settings.get("rate_limit") or "").replace(" ", "")
    return [(f"credential:{credential_id}", rate)] if rate else []


class Twilio(Kind):
    key = "twilio"
    label = "Twilio"
    description = "A Twilio account for SMS and WhatsApp: its Account SID with the Auth Token, or an API key."
    fields = (
        Field("account_sid", "Account SID", "AC followed by 32 characters, from the Twilio console.", required=True),
        Field("auth", "Authenticate with", "The Auth Token also verifies Twilio's signed webhooks; an API key "
              "sends only, so inbound channels still need the Auth Token.", type=CHOICE, default=AUTH_TOKEN,
              choices=((AUTH_TOKEN, "Auth Token"), (API_KEY, "API key"))),
        Field("auth_token", "Auth Token", "The account's Auth Token (verifies inbound webhooks too).",
              secret=True, required=True, show_if={"auth": (AUTH_TOKEN,)}),
        Field("api_key_sid", "API key SID", "SK followed by 32 characters.", required=True,
              show_if={"auth": (API_KEY,)}),
        Field("api_key_secret", "API key secret", "Shown once when the key was made.", secret=True, required=True,
              show_if={"auth": (API_KEY,)}),
        Field("webhook_auth_token", "Auth Token for webhooks", "Optional with an API key: the account's Auth Token, "
              "to verify inbound messages.", secret=True, show_if={"auth": (API_KEY,)}),
        Field("base_url", "Base URL", "Blank for Twilio itself; a Twilio-compatible server (a local test server).",
              type=URL),
        Field("rate_limit", "Rate limit", 'At most this many requests, such as "1/s"; blank for none.', type=RATE),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        problems = {}
        sid = str(settings.get("account_sid") or "")
        if sid and not (sid.startswith("AC") and len(sid) == 34):
            problems["account_sid"] = "An Account SID is AC followed by 32 characters."
        key_sid = str(settings.get("api_key_sid") or "")
        if settings.get("auth") == API_KEY and key_sid and not (key_sid.startswith("SK") and len(key_sid) == 34):
            problems["api_key_sid"] = "An API key SID is SK followed by 32 characters."
        return problems

    def summary(self, settings: Mapping[str, Any]) -> str:
        how = "API key" if settings.get("auth") == API_KEY else "Auth Token"
        return f"{settings.get('account_sid', '')} ({how})"

    def host(self, resolved: Any) -> str:
        return urlsplit(str(resolved.settings.get("base_url") or "")).hostname or DEFAULT_HOST

    def redacted(self, resolved: Any) -> list[str]:
        """The user:password pair the client sends as Basic auth (its base64 form is masked from it)."""
        username, password = credentials_of(resolved)
        return [f"{username}:{password}"] if password else []

    def client(self, resolved: Any, services: Any, **options: Any) -> Any:
        """A twilio.rest.Client sending through the run's guarded client; options: timeout_s."""
        from integrations.providers.transports.twilio import client

        username, password = credentials_of(resolved)
        return client(
            services.http,
            account_sid=str(resolved.settings.get("account_sid") or ""),
            username=username,
            password=password,
            base_url=str(resolved.settings.get("base_url") or ""),
            timeout_s=float(options.get("timeout_s") or 30.0),
            rate_keys=rate_keys(resolved.id, resolved.settings),
        )

    def check(self, resolved: Any, services: Any) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        host = self.host(resolved)
        sid = str(resolved.settings.get("account_sid") or "")
        api = self.client(resolved, services, timeout_s=CHECK_TIMEOUT_S)
        try:
            account = api.api.v2010.accounts(sid).fetch()
        except TwilioRestException as exc:
            if exc.status == 401:
                raise CheckFailed(
                    f"{host} refused the credentials (401): check the SID and the token or key."
                ) from None
            if exc.status == 404:
                raise CheckFailed(f"{host} knows no account {sid} for these credentials (404).") from None
            raise CheckFailed(f"{host} answered HTTP {exc.status}: {twilio_message(exc)}") from None
        except (TwilioException, ValueError, KeyError, TypeError):
            raise CheckFailed(f"{host} did not answer as Twilio's API: fetching the account gave no account.") from None
        return f"{host} accepted the credentials: account {account.friendly_name!r} ({account.status})."

    def verify(self, resolved: Any, headers: Mapping[str, str], body: bytes, **options: Any) -> str:
        """options: url (the public URL Twilio posted to), params (the form). The MessageSid (or '')."""
        from twilio.request_validator import RequestValidator

        token = webhook_token(resolved)
        if not token:
            raise Unverified(
                "misconfigured", "The channel's Twilio credential has no Auth Token to verify webhooks; add it."
            )
        lower = {k.lower(): v for k, v in headers.items()}
        signature = lower.get("x-twilio-signature", "")
        if not signature:
            raise Unverified("invalid_signature", "The X-Twilio-Signature header is missing.")
        params = options["params"]
        if not RequestValidator(token).validate(options["url"], params, signature):
            raise Unverified("invalid_signature", "The X-Twilio-Signature does not match this request.")
        return str(params.get("MessageSid") or params.get("SmsSid") or "")


def credentials_of(resolved: Any) -> tuple[str, str]:
    """(username, password) for Basic auth: the Account SID and token, or the API key SID and secret."""
    settings, secrets = resolved.settings, resolved.secrets
    if settings.get("auth") == API_KEY:
        return str(settings.get("api_key_sid") or ""), str(secrets.get("api_key_secret") or "")
    return str(settings.get("account_sid") or ""), str(secrets.get("auth_token") or "")


def webhook_token(resolved: Any) -> str:
    secrets = resolved.secrets
    if resolved.settings.get("auth") == API_KEY:
        return str(secrets.get("webhook_auth_token") or "")
    return str(secrets.get("auth_token") or "")


def twilio_message(exc: Any) -> str:
    """Twilio's own error (code and message), cut short."""
    message = " ".join(str(getattr(exc, "msg", "") or "").split())[:300] or "no reason given"
    code = getattr(exc, "code", None)
    return f"{message} (error {code})" if code else message
