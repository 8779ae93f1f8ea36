"""One Redis URL, spelled for each client that needs it (redis-py, Celery/kombu, channels_redis)."""

from urllib.parse import urlsplit


def for_kombu(url: str) -> str:
    """Celery's broker spells a unix socket `redis+socket://`; TCP URLs pass through."""
    if url.startswith("unix://"):
        return "redis+socket://" + url[len("unix://") :]
    return url


def socket_path(url: str) -> str | None:
    """The filesystem path of a unix-socket Redis URL, else None."""
    if not url.startswith("unix://"):
        return None
    return urlsplit(url).path
