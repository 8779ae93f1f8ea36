"""The guarded HTTP client, the only way a flow reaches the network (and the only module that imports requests)."""

# Every hop is checked by the SSRF guard and connected to the very addresses that were checked; timeouts, a response
# size cap, retries with backoff, Redis rate limits and redacted exchange records come with every call.

from __future__ import annotations

import contextlib
import email.utils
import json as jsonlib
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ProtocolError, ReadTimeoutError
from urllib3.poolmanager import PoolManager

from integrations.errors import Blocked, OutboundError, ResponseTooLarge, TransportError
from integrations.redaction import Redactor, redact_url
from integrations.retry import Retry

from . import ratelimit
from .ssrf import DEFAULT_PORTS, Guard, Target

log = logging.getLogger(__name__)
# urllib3 logs each request line, query string included, at DEBUG: a key sent in the query would reach the logs.
logging.getLogger("urllib3.connectionpool").addFilter(lambda record: record.levelno > logging.DEBUG)

_CROSS_ORIGIN_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "user-agent",
        "content-type",
        "content-length",
        "transfer-encoding",
    }
)

USER_AGENT = "FlowBuilder/1 (+guarded http client)"
EXCERPT_BYTES = 2048
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_TOKEN = re.compile(r"^[A-Z][A-Z0-9_-]{0,31}$")
_CHUNK = 16 * 1024

Address = tuple[int, tuple]


@dataclass
class Response:
    status: int
    headers: CaseInsensitiveDict[str]
    content: bytes
    url: str
    elapsed_ms: float
    attempts: int

    def iter_bytes(self) -> Iterator[bytes]:
        """The body as it arrives (GuardedClient.stream); a response read in full gives its content in one piece."""
        if self.content:
            yield self.content

    def close(self) -> None:
        return None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def encoding(self) -> str:
        content_type = self.headers.get("content-type", "")
        match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
        return match.group(1) if match else "utf-8"

    @property
    def text(self) -> str:
        try:
            return self.content.decode(self.encoding, errors="replace")
        except LookupError:  # an unknown charset name
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.text)


# --- Connections pinned to the checked addresses -------------------------------------------------------------------


class _ConnectFailed(NewConnectionError):
    """Carries the OS error so the user-facing message can name it without urllib3's URL-bearing text."""

    def __init__(self, conn: HTTPConnection, os_error: OSError | None):
        self.os_error = os_error
        super().__init__(conn, f"Failed to establish a new connection: {os_error}")


def _connect_pinned(conn: HTTPConnection, addresses: Sequence[Address]) -> socket.socket:
    """Open a socket to the first checked address that answers; never resolve the name again."""
    error: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            if isinstance(conn.timeout, (int, float)):
                sock.settimeout(conn.timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    if isinstance(error, TimeoutError):
        raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})")
    raise _ConnectFailed(conn, error)


class _PinnedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, pinned: Sequence[Address] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.pinned = pinned

    def _new_conn(self) -> socket.socket:
        return _connect_pinned(self, self.pinned)


class _PinnedHTTPSConnection(HTTPSConnection):
    """TLS still uses the URL's host name for SNI and certificate checks: only the TCP destination is pinned."""

    def __init__(self, *args: Any, pinned: Sequence[Address] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.pinned = pinned

    def _new_conn(self) -> socket.socket:
        return _connect_pinned(self, self.pinned)


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedPoolManager(PoolManager):
    """Pools per (scheme, host, port) as usual, every connection going to this manager's addresses."""

    def __init__(self, addresses: Sequence[Address], **kwargs: Any):
        super().__init__(**kwargs)
        self.addresses = tuple(addresses)
        self.pool_classes_by_scheme = {"http": _PinnedHTTPPool, "https": _PinnedHTTPSPool}

    def _new_pool(
        self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None
    ) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw["pinned"] = self.addresses
        return pool


class _PinnedAdapter(HTTPAdapter):
    def __init__(self, addresses: Sequence[Address]):
        self.addresses = tuple(addresses)  # read by init_poolmanager, which HTTPAdapter.__init__ calls
        super().__init__(pool_connections=4, pool_maxsize=4, max_retries=0)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = _PinnedPoolManager(
            self.addresses, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )


# --- Errors ----------------------------------------------------------------------------------------------------------


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """exc and every exception it wraps (requests and urllib3 nest them in args, reason, __cause__, __context__)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        nested = [getattr(item, "reason", None), item.__cause__, item.__context__, *item.args]
        todo.extend(n for n in nested if isinstance(n, BaseException))


def _transport_error(exc: BaseException, target: Target, connect_s: float, read_s: float) -> OutboundError:
    """A clear sentence for a failed exchange, built from the host and the error kind only."""
    # Never str(exc): urllib3's own text carries the URL, query-string secrets included.
    host = target.host
    chain = list(_chain(exc))
    for item in chain:
        if isinstance(item, ssl.SSLCertVerificationError):
            reason = item.verify_message or "certificate verify failed"
            return TransportError(f"The TLS certificate of {host} was not accepted: {reason}.", retryable=False)
    for item in chain:
        if isinstance(item, ssl.SSLError):
            return TransportError(f"The TLS connection to {host} failed ({item.reason or 'handshake error'}).")
    for item in chain:
        if isinstance(item, _ConnectFailed):
            reason = (item.os_error.strerror if item.os_error else None) or "the connection failed"
            return TransportError(f"Could not connect to {host} on port {target.port}: {reason.lower()}.")
    for item in chain:
        if isinstance(item, ReadTimeoutError | requests.ReadTimeout):
            return TransportError(f"The server at {host} did not answer within {read_s:g} s.")
        if isinstance(item, ConnectTimeoutError | requests.ConnectTimeout | TimeoutError):
            return TransportError(f"The server at {host} did not accept a connection within {connect_s:g} s.")
    for item in chain:
        if isinstance(item, requests.exceptions.ContentDecodingError):
            return TransportError(f"The answer from {host} could not be decompressed.", retryable=False)
        if isinstance(item, requests.exceptions.InvalidHeader | requests.exceptions.InvalidURL):
            return OutboundError("The request is not valid: a header or the URL has characters that are not allowed.")
        if isinstance(item, ProtocolError | requests.exceptions.ChunkedEncodingError | ConnectionError):
            return TransportError(f"The server at {host} closed the connection before it finished answering.")
    return TransportError(f"The exchange with {host} failed ({type(exc).__name__}).")


def _retry_after(headers: Mapping[str, str], cap_s: float) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), capped; None when absent or unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), cap_s)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, when.timestamp() - time.time()), cap_s)


def _size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


# --- Streamed bodies -------------------------------------------------------------------------------------------------


class _LiveBody:
    """A 2xx body read as it arrives, under the same size cap and deadline as a body read in full."""

    HEAD_BYTES = EXCERPT_BYTES * 4  # kept for the exchange record; more than the excerpt, so a secret cut is masked

    def __init__(self, raw: requests.Response, target: Target, connect_s: float, read_s: float, deadline: float):
        self.raw, self.target = raw, target
        self.connect_s, self.read_s, self.deadline = connect_s, read_s, deadline
        self.size = 0
        self.head = bytearray()
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        limit = int(settings.HTTP_MAX_RESPONSE_BYTES)
        host = self.target.host
        too_large = f"The answer from {host} is larger than the {_size(limit)} allowed"
        declared = self.raw.headers.get("content-length", "").strip()
        try:
            if declared.isdigit() and int(declared) > limit:
                raise ResponseTooLarge(f"{too_large} ({_size(int(declared))}).")
            while not self.closed:
                # read1: whatever has arrived (at most one read on the socket), so each event is passed on at once.
                chunk = self.raw.raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    return
                self.size += len(chunk)
                if self.size > limit:
                    raise ResponseTooLarge(f"{too_large}.")
                if len(self.head) < self.HEAD_BYTES:
                    self.head += chunk[: self.HEAD_BYTES - len(self.head)]
                if time.monotonic() > self.deadline:
                    raise TransportError(f"The server at {host} did not finish answering within {self.read_s:g} s.")
                yield chunk
        except (requests.RequestException, OSError) as exc:
            raise _transport_error(exc, self.target, self.connect_s, self.read_s) from None
        except Exception as exc:
            if isinstance(exc, OutboundError):
                raise
            if any(isinstance(item, (ProtocolError, ReadTimeoutError)) for item in _chain(exc)):
                raise _transport_error(exc, self.target, self.connect_s, self.read_s) from None
            raise
        finally:
            self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.raw.close()


@dataclass
class _StreamedResponse(Response):
    body: _LiveBody | None = None

    def iter_bytes(self) -> Iterator[bytes]:
        if self.body is not None:
            yield from self.body

    def close(self) -> None:
        if self.body is not None:
            self.body.close()


class RequestOptions(TypedDict, total=False):
    """What a request may say besides its method and URL (see GuardedClient.request)."""

    params: Any
    headers: Mapping[str, Any] | None
    json: Any
    data: Any
    timeout_s: float | None
    retry: Retry | None
    rate_keys: Sequence[tuple[str, str]]
    allow_redirects: bool


# --- The client ------------------------------------------------------------------------------------------------------


@dataclass
class _Hop:
    prepared: requests.PreparedRequest
    target: Target


class GuardedClient:
    """Outbound HTTP for one run: the SSRF guard, pinned connections, limits, retries, redacted exchange records."""

    def __init__(
        self, *, redactor: Redactor | None = None, allow: Sequence[str] | None = None, ca_bundle: str | None = None
    ):
        self.redactor = redactor if redactor is not None else Redactor()
        self.guard = Guard(allow)
        self.verify: bool | str = ca_bundle or True  # a private CA for self-hosted services (and TLS tests)
        self.exchanges: list[dict[str, Any]] = []
        self._adapters: dict[tuple[Address, ...], _PinnedAdapter] = {}

    def close(self) -> None:
        for adapter in self._adapters.values():
            adapter.close()
        self._adapters.clear()

    def __enter__(self) -> GuardedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, url: str, **options: Unpack[RequestOptions]) -> Response:
        """Send a request; non-2xx answers are returned (after retries), failures raise OutboundError subclasses."""
        started = time.monotonic()
        record = self._record(method, url)
        response = self._begin(method, url, record, started, options)
        response.elapsed_ms = self._finish(record, started)
        return response

    @contextlib.contextmanager
    def stream(self, method: str, url: str, **options: Unpack[RequestOptions]) -> Iterator[Response]:
        """As request(), but a 2xx body is read as it arrives: `for chunk in response.iter_bytes()` (SSE, say).

        Every guard holds: the checked, pinned address, checked redirects, retries (before the body starts only),
        rate limits, the size cap and the read deadline per chunk and in all. The exchange is recorded, redacted,
        when the block ends, with the first 2 KB of what was read.
        """
        started = time.monotonic()
        record = self._record(method, url)
        response = self._begin(method, url, record, started, options, stream=True)
        response.elapsed_ms = round((time.monotonic() - started) * 1000, 1)  # until the headers came
        try:
            yield response
        except OutboundError as exc:
            response.close()
            self._finish(record, started, error=exc)
            raise
        except BaseException:
            response.close()
            self._finish(record, started)
            raise
        response.close()
        self._finish(record, started)

    @staticmethod
    def _record(method: str, url: str) -> dict[str, Any]:
        return {"request": {"method": method, "url": url}, "response": None, "attempts": 0}

    def _begin(
        self,
        method: str,
        url: str,
        record: dict[str, Any],
        started: float,
        options: RequestOptions,
        stream: bool = False,
    ) -> Response:
        """Send until an answer's headers come; a failure is recorded before it is raised."""
        try:
            return self._start(method, url, record, stream=stream, **options)
        except OutboundError as exc:
            self._finish(record, started, error=exc)
            raise

    def _start(
        self,
        method: str,
        url: str,
        record: dict[str, Any],
        *,
        params: Any = None,
        headers: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        timeout_s: float | None = None,
        retry: Retry | None = None,
        rate_keys: Sequence[tuple[str, str]] = (),
        allow_redirects: bool = True,
        stream: bool = False,
    ) -> Response:
        method = (method or "GET").upper()
        record["request"]["method"] = method
        policy = retry or Retry()
        read_s = float(timeout_s or settings.HTTP_READ_TIMEOUT_S)
        connect_s = min(float(settings.HTTP_CONNECT_TIMEOUT_S), read_s)
        if not _TOKEN.match(method):
            raise OutboundError(f"{method!r} is not an HTTP method.")
        prepared = self._prepare(method, url, params, headers, json, data)
        record["request"] = self._request_record(prepared)
        return self._with_retries(
            prepared,
            policy,
            record,
            connect_s=connect_s,
            read_s=read_s,
            rate_keys=rate_keys,
            redirects=allow_redirects,
            stream=stream,
        )

    def _finish(self, record: dict[str, Any], started: float, error: OutboundError | None = None) -> float:
        """Record the exchange (redacted) now that it is over; its duration in ms."""
        body = record.pop("_body", None)
        if body is not None:  # a streamed body: what was read of it
            record["response"].update(body=self._excerpt(bytes(body.head), total=body.size), bytes=body.size)
        if error is not None:
            record["error"] = str(error)
        elapsed_ms = round((time.monotonic() - started) * 1000, 1)
        record["elapsed_ms"] = elapsed_ms
        self.exchanges.append(self.redactor(record))
        return elapsed_ms

    def get(self, url: str, **kwargs: Any) -> Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Response:
        return self.request("POST", url, **kwargs)

    # -- steps of a call --

    @staticmethod
    def _prepare(
        method: str, url: str, params: Any, headers: Mapping[str, Any] | None, json: Any, data: Any
    ) -> requests.PreparedRequest:
        merged: CaseInsensitiveDict[str] = CaseInsensitiveDict(
            {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
        )
        for name, value in (headers or {}).items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[str(name)] = str(value)
        if json is not None and data is None:
            try:
                data = jsonlib.dumps(json, allow_nan=False).encode("utf-8")
            except (TypeError, ValueError):
                raise OutboundError("The JSON body cannot be encoded: it holds a value JSON has no form for.") from None
            merged.setdefault("Content-Type", "application/json")
        elif isinstance(data, str):
            data = data.encode("utf-8")
        elif hasattr(data, "read"):
            data = data.read()  # a body must be bytes so that every retry sends it again, identically
        elif data is not None and not isinstance(data, bytes | dict | list | tuple):
            data = b"".join(chunk if isinstance(chunk, bytes) else str(chunk).encode() for chunk in data)
        if isinstance(url, str):
            Guard.check_scheme(url)
        try:
            prepared = requests.Request(method, url, headers=merged, params=params, data=data).prepare()
        except (requests.RequestException, TypeError, ValueError, UnicodeError):
            raise OutboundError("The URL or the request is not valid.") from None
        if isinstance(prepared.body, str):
            prepared.body = prepared.body.encode("utf-8")
        return prepared

    def _with_retries(
        self,
        prepared: requests.PreparedRequest,
        policy: Retry,
        record: dict[str, Any],
        *,
        connect_s: float,
        read_s: float,
        rate_keys: Sequence[tuple[str, str]],
        redirects: bool,
        stream: bool = False,
    ) -> Response:
        attempts = max(1, int(policy.attempts))
        method = prepared.method or "GET"
        host = urlsplit(prepared.url or "").hostname or "?"
        for attempt in range(1, attempts + 1):
            record["attempts"] = attempt
            record["response"] = None
            try:
                response = self._exchange(
                    prepared,
                    record,
                    connect_s=connect_s,
                    read_s=read_s,
                    rate_keys=rate_keys,
                    redirects=redirects,
                    stream=stream,
                )
            except TransportError as exc:
                if attempt < attempts and exc.retryable:
                    delay = policy.backoff(attempt)
                    log.warning(
                        "%s %s failed (%s); retry %d of %d in %.1f s", method, host, exc, attempt, attempts - 1, delay
                    )
                    time.sleep(delay)
                    continue
                log.info("%s %s -> failed after %d attempt(s)", method, host, attempt)
                raise
            response.attempts = attempt
            if attempt < attempts and (response.status >= 500 or response.status == 429):
                told = _retry_after(response.headers, policy.max_backoff_s)
                delay = policy.backoff(attempt) if told is None else told
                log.warning(
                    "%s %s -> %d; retry %d of %d in %.1f s", method, host, response.status, attempt, attempts - 1, delay
                )
                time.sleep(delay)
                continue
            log.info("%s %s -> %d", method, host, response.status)
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _exchange(
        self,
        prepared: requests.PreparedRequest,
        record: dict[str, Any],
        *,
        connect_s: float,
        read_s: float,
        rate_keys: Sequence[tuple[str, str]],
        redirects: bool,
        stream: bool = False,
    ) -> Response:
        """One attempt: every hop checked, rate-limited and sent to its checked addresses; redirects followed.

        With stream, a 2xx body is left unread for the caller (anything else is read: it may be retried).
        """
        current = prepared.copy()
        previous: Target | None = None
        hops: list[str] = []
        max_redirects = int(settings.HTTP_MAX_REDIRECTS)
        while True:
            target = self._check(current.url or "", previous)
            record["rate_wait_ms"] = round(record.get("rate_wait_ms", 0) + self._rate(target, rate_keys) * 1000, 1)
            raw = self._send(current, target, connect_s, read_s)
            location = raw.headers.get("location")
            if redirects and raw.status_code in REDIRECT_STATUSES and location:
                raw.close()
                if len(hops) >= max_redirects:
                    raise TransportError(
                        f"The server at {target.host} redirected more than {max_redirects} times.", retryable=False
                    )
                with contextlib.suppress(UnicodeError):  # http.client decodes headers as latin-1; URLs are UTF-8
                    location = location.encode("latin-1").decode("utf-8")
                next_url = urljoin(current.url or "", location.strip())
                hops.append(next_url)
                record["redirects"] = [redact_url(hop) for hop in hops]
                current = self._redirected(current, raw.status_code, next_url, target)
                previous = target
                continue
            deadline = time.monotonic() + connect_s + read_s
            if stream and 200 <= raw.status_code < 300 and current.method != "HEAD":
                body = _LiveBody(raw, target, connect_s, read_s, deadline)
                record["_body"] = body
                record["response"] = {
                    "status": raw.status_code,
                    "url": redact_url(current.url or ""),
                    "headers": dict(raw.headers),
                    "body": None,
                    "bytes": 0,
                }
                return _StreamedResponse(
                    status=raw.status_code,
                    headers=CaseInsensitiveDict(dict(raw.headers)),
                    content=b"",
                    url=current.url or "",
                    elapsed_ms=0.0,
                    attempts=0,
                    body=body,
                )
            content = self._read(raw, target, connect_s, read_s, deadline, head=current.method == "HEAD")
            response = Response(
                status=raw.status_code,
                headers=CaseInsensitiveDict(dict(raw.headers)),
                content=content,
                url=current.url or "",
                elapsed_ms=0.0,
                attempts=0,
            )
            record["response"] = {
                "status": response.status,
                "url": redact_url(response.url),
                "headers": dict(response.headers),
                "body": self._excerpt(content),
                "bytes": len(content),
            }
            return response

    def _check(self, url: str, previous: Target | None) -> Target:
        if previous is None:
            return self.guard.check(url)
        try:
            return self.guard.check(url)
        except Blocked as exc:
            text = str(exc)
            raise Blocked(
                f"Refused to follow the redirect from {previous.host}: {text[:1].lower()}{text[1:]}"
            ) from None

    def _rate(self, target: Target, rate_keys: Sequence[tuple[str, str]]) -> float:
        buckets = [(key, rate) for key, rate in rate_keys if rate]
        if settings.HTTP_HOST_RATE:
            buckets.insert(0, (f"host:{target.host.lower()}", settings.HTTP_HOST_RATE))
        try:
            return ratelimit.acquire_many(buckets, max_wait_s=float(settings.HTTP_RATE_MAX_WAIT_S))
        except ValueError as exc:
            raise OutboundError(str(exc)) from None

    def _send(
        self, prepared: requests.PreparedRequest, target: Target, connect_s: float, read_s: float
    ) -> requests.Response:
        adapter = self._adapters.get(target.addresses)
        if adapter is None:
            adapter = self._adapters[target.addresses] = _PinnedAdapter(target.addresses)
        try:
            return adapter.send(
                prepared, stream=True, timeout=(connect_s, read_s), verify=self.verify, cert=None, proxies={}
            )
        except (requests.RequestException, OSError) as exc:
            raise _transport_error(exc, target, connect_s, read_s) from None

    @staticmethod
    def _redirected(
        prepared: requests.PreparedRequest, status: int, url: str, source: Target
    ) -> requests.PreparedRequest:
        """The next hop's request: method and body as browsers do, credentials dropped when the host changes."""
        Guard.check_scheme(url)
        nxt = prepared.copy()
        try:
            nxt.prepare_url(url, None)
        except requests.RequestException:
            raise OutboundError(f"The server at {source.host} redirected to a URL that is not valid.") from None
        method = prepared.method or "GET"
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            nxt.method = "GET"
            nxt.body = None
            for name in ("Content-Length", "Content-Type", "Transfer-Encoding"):
                nxt.headers.pop(name, None)
        parts = urlsplit(nxt.url or "")
        scheme = parts.scheme.lower()
        same_origin = (parts.hostname or "").lower() == source.host.lower() and (
            parts.port or DEFAULT_PORTS.get(scheme)
        ) == source.port
        downgrade = source.scheme == "https" and scheme == "http"
        if not same_origin or downgrade:
            # Only headers that cannot carry a credential travel on: a key may hide in any custom header name.
            for name in [n for n in nxt.headers if n.lower() not in _CROSS_ORIGIN_HEADERS]:
                del nxt.headers[name]
        return nxt

    def _read(
        self,
        raw: requests.Response,
        target: Target,
        connect_s: float,
        read_s: float,
        deadline: float,
        *,
        head: bool = False,
    ) -> bytes:
        """The body, streamed and cut off at HTTP_MAX_RESPONSE_BYTES (checked first against Content-Length)."""
        limit = int(settings.HTTP_MAX_RESPONSE_BYTES)
        too_large = f"The answer from {target.host} is larger than the {_size(limit)} allowed"
        try:
            declared = raw.headers.get("content-length", "").strip()
            # A HEAD answer declares the length of a body it does not send.
            if not head and declared.isdigit() and int(declared) > limit:
                raise ResponseTooLarge(f"{too_large} ({_size(int(declared))}).")
            chunks: list[bytes] = []
            size = 0
            for chunk in raw.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLarge(f"{too_large}.")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise TransportError(f"The server at {target.host} did not finish answering within {read_s:g} s.")
            return b"".join(chunks)
        except (requests.RequestException, OSError) as exc:
            raise _transport_error(exc, target, connect_s, read_s) from None
        finally:
            raw.close()

    # -- what gets recorded --

    def _request_record(self, prepared: requests.PreparedRequest) -> dict[str, Any]:
        body = prepared.body
        return {
            "method": prepared.method,
            "url": redact_url(prepared.url or ""),
            "headers": dict(prepared.headers),
            "body": self._excerpt(body if isinstance(body, bytes | str) else None),
        }

    def _excerpt(self, body: bytes | str | None, total: int | None = None) -> str | None:
        """The first 2 KB as text, secrets masked before cutting so that no partial secret survives the cut.

        total: the full size when body is only the start of it (a streamed body).
        """
        if body is None:
            return None
        data = body.encode("utf-8") if isinstance(body, str) else body
        size = len(data) if total is None else total
        if not data:
            return ""
        if b"\x00" in data[:EXCERPT_BYTES]:
            return f"[{_size(size)} of binary data]"
        text = self.redactor.text(data[: EXCERPT_BYTES * 32].decode("utf-8", errors="replace"))
        if size > EXCERPT_BYTES or len(text) > EXCERPT_BYTES:
            return f"{text[:EXCERPT_BYTES]}… [{_size(size)} in all]"
        return text
