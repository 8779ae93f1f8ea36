"""OpenAI (or any OpenAI-compatible server): an API key, an optional organization, base URL and rate limit.

The connection check lists the models (GET {base_url}/models) with the real client, through the guarded client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .base import RATE, URL, CheckFailed, Field, Kind

DEFAULT_BASE_URL = "https://api.openai.com/v1"
CHECK_TIMEOUT_S = 15.0


def where(settings: Mapping[str, Any]) -> str:
    """The server's host as sentences name it."""
    return urlsplit(str(settings.get("base_url") or DEFAULT_BASE_URL)).netloc or "the server"


def rate_keys(credential_id: int, settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The credential's own rate limit, as api_connection applies it."""
    rate = str(settings.get("rate_limit") or "").replace(" ", "")
    return [(f"credential:{credential_id}", rate)] if rate else []


class OpenAI(Kind):
    key = "openai"
    label = "OpenAI"
    description = (
        "An OpenAI API key, or the key of any OpenAI-compatible server (Azure OpenAI, Groq, Together, Ollama, "
        "vLLM, LM Studio) with its base URL."
    )
    fields = (
        Field("api_key", "API key", "Sent as Authorization: Bearer <key>. A local server that needs none: any text.",
              secret=True, required=True),
        Field("organization", "Organization", "Optional: the OpenAI organization id (org-...) to bill."),
        Field("base_url", "Base URL", f"Blank for {DEFAULT_BASE_URL}; an OpenAI-compatible server's /v1 URL, such "
              "as https://api.groq.com/openai/v1 or http://ollama.internal:11434/v1.", type=URL),
        Field("rate_limit", "Rate limit", 'At most this many requests, such as "10/s" or "500/m"; blank for none.',
              type=RATE),
    )  # fmt: skip

    def summary(self, settings: Mapping[str, Any]) -> str:
        org = settings.get("organization")
        return str(settings.get("base_url") or DEFAULT_BASE_URL) + (f" ({org})" if org else "")

    def client(self, resolved: Any, services: Any, **options: Any) -> Any:
        """An openai.OpenAI client sending through the run's guarded client; options: timeout_s, retry."""
        from integrations.providers.transports.openai import client

        settings = resolved.settings
        return client(
            services.http,
            api_key=str(resolved.secrets.get("api_key") or ""),
            organization=settings.get("organization"),
            base_url=settings.get("base_url"),
            timeout_s=options["timeout_s"],
            retry=options.get("retry"),
            rate_keys=rate_keys(resolved.id, settings),
        )

    def check(self, resolved: Any, services: Any) -> str:
        import openai

        host = where(resolved.settings)
        api = self.client(resolved, services, timeout_s=CHECK_TIMEOUT_S)
        try:
            models = [model.id for model in api.models.list()]
        except openai.AuthenticationError:
            raise CheckFailed(f"{host} refused the API key (401): check that it is whole and not revoked.") from None
        except openai.PermissionDeniedError as exc:
            raise CheckFailed(f"{host} refused access (403): {api_message(exc)}") from None
        except openai.APIStatusError as exc:
            raise CheckFailed(f"GET /models on {host} answered HTTP {exc.status_code}: {api_message(exc)}") from None
        except (openai.APIError, AttributeError, TypeError, ValueError):  # HTML, say: not an OpenAI-compatible API
            raise CheckFailed(
                f"{host} did not answer as an OpenAI-compatible API: GET /models gave no list of models."
            ) from None
        finally:
            api.close()
        shown = ", ".join(sorted(models)[:5]) + (", ..." if len(models) > 5 else "")
        return f"{host} accepted the key: {len(models)} model{'' if len(models) == 1 else 's'} ({shown})."


def api_message(exc: Any) -> str:
    """The server's own error message ({"error": {"message"}}), cut short; else the HTTP reason."""
    body = getattr(exc, "body", None)
    message = ""
    if isinstance(body, dict):
        error = body.get("error", body)
        message = str(error.get("message") or "") if isinstance(error, dict) else str(error or "")
    message = " ".join(message.split())[:300]
    return message or "no reason given"
