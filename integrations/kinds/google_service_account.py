"""Google service account: the JSON key from Google Cloud, for Google Sheets, Google Calendar and Google API requests.

The key is validated on upload (a service account key with a client e-mail, a PEM private key that parses, a token
URI); the e-mail and project are kept as plain settings so that admin can show whom to share sheets and calendars with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import gspread
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from gspread.exceptions import APIError

from integrations.providers.google import (
    SHEETS_SCOPE,
    GoogleAccess,
    account_email,
    api_problem,
    scopes_problem,
    sheets_client,
    spreadsheet_id,
)

from .base import JSON_FILE, RATE, URL, CheckFailed, Field
from .google_requests import GoogleRequests

KEY_HELP = (
    "The .json key of the service account (Google Cloud console → IAM & Admin → Service accounts → Keys → Add key "
    "→ JSON): upload the file or paste its text."
)


def key_problem(text: str) -> str | None:
    """Why the key file is not a usable service account key, or None."""
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        return "The key is not JSON: upload the .json key file."
    if not isinstance(info, dict):
        return "The key is not a JSON object: upload the .json key file as Google gave it."
    kind = info.get("type")
    if kind != "service_account":
        found = f"of type {kind!r}" if kind else "without a type"
        return (
            f"This key file is {found}, not a service account key (type service_account): create a JSON key for a "
            "service account in Google Cloud console (IAM & Admin → Service accounts → Keys)."
        )
    email = info.get("client_email")
    if not isinstance(email, str) or "@" not in email:
        return "The key file has no client_email: it is incomplete; download the key again."
    pem = info.get("private_key")
    if not isinstance(pem, str) or not pem.strip():
        return "The key file has no private_key: it is incomplete; download the key again."
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        return "The private_key in the key file is not a readable PEM private key: download the key again."
    except Exception:  # noqa: BLE001 - cryptography raises its own types for unsupported algorithms
        return "The private_key in the key file is of a kind that cannot sign Google's tokens (RSA is needed)."
    if not isinstance(key, rsa.RSAPrivateKey):
        return "The private_key in the key file is not an RSA key; Google service account keys are RSA."
    token_uri = info.get("token_uri")
    parts = urlsplit(token_uri) if isinstance(token_uri, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        return "The key file has no token_uri (such as https://oauth2.googleapis.com/token); download the key again."
    return None


class GoogleServiceAccount(GoogleRequests):
    key = "google_service_account"
    label = "Google service account"
    description = "A Google Cloud service account key, for Google Sheets and Google Calendar shared with it."
    fields = (
        Field("service_account_key", "Service account key", KEY_HELP, secret=True, required=True, type=JSON_FILE),
        Field("client_email", "Service account e-mail", "Share spreadsheets and calendars with this address "
              "(read from the key).", derived=True),
        Field("project_id", "Project", "The Google Cloud project of the key.", derived=True),
        Field("subject", "Act as (Google Workspace user)", "Optional: with domain-wide delegation, the account acts "
              "as this user; needed to invite attendees to calendar events."),
        Field("spreadsheet", "Spreadsheet to check", "Optional: the connection check opens this spreadsheet "
              "(URL or id). Blank: the check only fetches an access token."),
        Field("scopes", "Scopes for API requests", "Space-separated scopes of the access token that REST API node "
              "requests get, such as https://www.googleapis.com/auth/drive.readonly. Blank: Sheets and Calendar."),
        Field("rate_limit", "Rate limit", "Google's Sheets quota is 60 requests per minute per user by default.",
              type=RATE, default="60/m"),
        Field("endpoint", "API endpoint (advanced)", "Blank for Google. A Google-compatible server (or a test server) "
              "to send Sheets and Calendar requests to instead.", type=URL),
    )  # fmt: skip

    def clean(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, str]:
        problems: dict[str, str] = {}
        text = str(secrets.get("service_account_key") or "")
        problem = key_problem(text) if text else None
        if problem:
            problems["service_account_key"] = problem
        sheet = str(settings.get("spreadsheet") or "")
        if sheet:
            try:
                spreadsheet_id(sheet)
            except ValueError as exc:
                problems["spreadsheet"] = str(exc)
        problem = scopes_problem(str(settings.get("scopes") or ""))
        if problem:
            problems["scopes"] = problem
        subject = str(settings.get("subject") or "")
        if subject and "@" not in subject:
            problems["subject"] = "Give the e-mail address of a Google Workspace user."
        return problems

    def derive(self, settings: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, Any]:
        info = json.loads(str(secrets.get("service_account_key") or "{}"))
        return {"client_email": str(info.get("client_email") or ""), "project_id": str(info.get("project_id") or "")}

    def summary(self, settings: Mapping[str, Any]) -> str:
        email = settings.get("client_email") or ""
        return f"{email} (share sheets and calendars with it)" if email else ""

    def check(self, resolved, services) -> str:
        access = GoogleAccess(resolved, services, [SHEETS_SCOPE])
        email = account_email(resolved)
        sheet = str(resolved.settings.get("spreadsheet") or "")
        if not sheet:
            access.token()
            return f"The key works: Google issued an access token for {email}. Share sheets and calendars with it."
        key = spreadsheet_id(sheet)
        try:
            # Not open_by_key(): it turns a 403 into a bare PermissionError, without Google's explanation.
            spreadsheet = gspread.Spreadsheet(sheets_client(access).http_client, {"id": key})
            names = ", ".join(ws.title for ws in spreadsheet.worksheets()[:10])
        except APIError as exc:
            raise CheckFailed(api_problem(exc, f"spreadsheet {key}", email)) from None
        return f"Opened the spreadsheet {spreadsheet.title!r} as {email} (sheets: {names})."
