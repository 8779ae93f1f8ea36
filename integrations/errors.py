"""Errors a node may meet outside; every message is a clear, secret-free sentence a flow author can read."""


class OutboundError(Exception):
    """An outbound call failed; str(error) is safe to show and to record on a step."""


class Blocked(OutboundError):
    """Refused before connecting: SSRF guard, URL scheme, or a platform host check."""


class RateLimited(OutboundError):
    """A rate limit would make the call wait longer than allowed."""


class ResponseTooLarge(OutboundError):
    """The answer is larger than HTTP_MAX_RESPONSE_BYTES."""


class TransportError(OutboundError):
    """The exchange itself failed: name resolution, connection refused, timeout, TLS, broken answer."""

    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable  # False where trying again cannot help (a rejected certificate, a redirect loop)


class SmtpError(OutboundError):
    """A failed SMTP exchange, as a sentence; `retryable` when trying again later may work (4xx, network)."""

    def __init__(self, message: str, *, retryable: bool = False, code: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class CredentialError(Exception):
    """The credential cannot be used: missing, of the wrong kind, or not decryptable. Never holds a secret."""


class AssetMissing(LookupError):
    """No flow asset has the name a node asked for."""
