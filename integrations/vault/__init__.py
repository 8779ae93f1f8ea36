"""The credential vault: secrets encrypted at rest with MultiFernet (the first key encrypts, every key decrypts).

Keys come from settings.VAULT_KEYS (newest first). Without them, the embedded default keeps its keys in
settings.VAULT_KEY_FILE (one per line, newest first), created with a fresh key on first use.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

log = logging.getLogger(__name__)

NEW_KEY_HINT = (
    "make one with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class VaultError(Exception):
    """The vault cannot work with what it was given; the message says what to fix and never holds a key."""


def _key_file() -> Path:
    return Path(settings.VAULT_KEY_FILE)


def _display(path: Path) -> str:
    """The key file's path as the admin knows it: relative to the project when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def source() -> str:
    """Where the keys come from, as said in error messages."""
    if settings.VAULT_KEYS:
        return "the configured VAULT_KEYS"
    return f"the vault key file {_display(_key_file())}"


def created_message(path: Path) -> str:
    return f"Created a new vault key in {_display(path)}; back it up, or set VAULT_KEYS"


def ensure_key(*, announce: bool = True) -> Path | None:
    """Create the key file when no VAULT_KEYS are set and it does not exist yet; the path if it was created."""
    if settings.VAULT_KEYS:
        return None
    path = _key_file()
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: a process starting at the same time finds either no file or a whole
    # key, and link() refuses to replace a key another process put there first.
    key = Fernet.generate_key().decode() + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vault-key-")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.link(tmp, path)
    except FileExistsError:
        return None
    except OSError:  # a filesystem without hard links: exclusive create is the next best
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                handle.write(key)
        except FileExistsError:
            return None
    finally:
        os.unlink(tmp)
    if announce:
        log.warning(created_message(path))
    return path


def _file_keys(path: Path) -> tuple[str, ...]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        ensure_key()
        stat = path.stat()
    return _read_key_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_key_file(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """Cached per file version (mtime and size), so an edited file is read again."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise VaultError(f"The vault key file {path} cannot be read: {exc.strerror}.") from None
    keys = tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    if not keys:
        raise VaultError(f"The vault key file {path} holds no key; put a Fernet key in it ({NEW_KEY_HINT}).")
    return keys


def keys() -> tuple[str, ...]:
    """The keys in use, newest first."""
    if settings.VAULT_KEYS:
        return tuple(k.strip() for k in settings.VAULT_KEYS if k.strip())
    return _file_keys(_key_file())


@lru_cache(maxsize=8)
def _fernets(key_tuple: tuple[str, ...], where: str) -> tuple[MultiFernet, Fernet]:
    fernets = []
    for position, key in enumerate(key_tuple, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise VaultError(
                f"Key {position} of {where} is not a Fernet key (32 url-safe base64-encoded bytes); {NEW_KEY_HINT}."
            ) from None
    if not fernets:
        raise VaultError(f"{where[0].upper()}{where[1:]} hold no key; {NEW_KEY_HINT}.")
    return MultiFernet(fernets), fernets[0]


def _multi() -> MultiFernet:
    return _fernets(keys(), source())[0]


def check_keys() -> None:
    """Raise VaultError when the configured keys are unusable (a startup check)."""
    _multi()


def encrypt(data: dict[str, Any]) -> str:
    """A token of the JSON object, under the newest key."""
    return _multi().encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()


def decrypt(token: str, *, label: str = "A vault value") -> dict[str, Any]:
    """The JSON object in the token; VaultError when no configured key opens it (never garbage)."""
    if not token:
        return {}
    try:
        plain = _multi().decrypt(token.encode())
    except InvalidToken:
        raise VaultError(
            f"{label} cannot be decrypted with {source()}: the key it was encrypted with is missing."
        ) from None
    value = json.loads(plain)
    if not isinstance(value, dict):
        raise VaultError(f"{label} does not hold a JSON object.")
    return value


def decrypt_credential(name: str, token: str) -> dict[str, Any]:
    return decrypt(token, label=f"The credential {name!r}")


@dataclass(frozen=True)
class Rotation:
    rotated: int  # re-encrypted under the newest key
    older: int  # of those, how many were under an older key before
    keys: int  # keys configured


def rotate(*, actor: str = "") -> Rotation:
    """Re-encrypt every credential under the newest key, in one transaction; all or nothing."""
    from django.db import transaction

    from integrations.models import Credential, CredentialEvent

    multi, newest = _fernets(keys(), source())
    rotated = older = 0
    events = []
    with transaction.atomic():
        for credential in Credential.objects.select_for_update().exclude(secrets_encrypted="").order_by("pk"):
            token = credential.secrets_encrypted.encode()
            try:
                newest.decrypt(token)
            except InvalidToken:
                older += 1
            try:
                fresh = multi.rotate(token).decode()
            except InvalidToken:
                raise VaultError(
                    f"The credential {credential.name!r} cannot be decrypted with {source()}: the key it was "
                    "encrypted with is missing. Nothing was rotated."
                ) from None
            # update(), not save(): the secrets are unchanged, so updated_at (and cached OAuth tokens) stay valid.
            Credential.objects.filter(pk=credential.pk).update(secrets_encrypted=fresh)
            rotated += 1
            events.append(
                CredentialEvent(
                    credential=credential,
                    credential_name=credential.name,
                    action=CredentialEvent.Action.ROTATED,
                    actor=actor,
                    detail="Re-encrypted under the newest vault key.",
                )
            )
        CredentialEvent.objects.bulk_create(events)
    return Rotation(rotated=rotated, older=older, keys=len(keys()))
