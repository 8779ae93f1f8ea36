"""Errors of outbound calls; every message is a clear, secret-free sentence a flow author can read."""


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
