"""Email messages: addresses parsed and checked, header values refused when they would inject, MIME built once."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from django.utils import timezone

MAX_RECIPIENTS = 100  # per message (To + Cc + Bcc); servers commonly refuse more, and a list this long is a mistake
_LOCAL = re.compile(r"^[^\s@\"(),:;<>\[\]\\\x00-\x1f\x7f]{1,64}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_BREAKS = ("\r", "\n", "\x00")


class AddressProblem(ValueError):
    """An address or a header value that cannot go into a message; the text says which and why."""


@dataclass(frozen=True)
class Mailbox:
    email: str
    name: str = ""

    def header(self) -> Address:
        local, _, domain = self.email.rpartition("@")
        return Address(display_name=self.name, username=local, domain=domain)

    def shown(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    def describe(self) -> dict[str, Any]:
        return {"filename": self.filename, "content_type": self.content_type, "size": len(self.data)}


@dataclass
class Draft:
    """A message before it is sent: everything rendered, every address checked."""

    sender: Mailbox
    to: list[Mailbox]
    cc: list[Mailbox] = field(default_factory=list)
    bcc: list[Mailbox] = field(default_factory=list)
    reply_to: list[Mailbox] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        """Who receives it (RCPT TO): To, Cc and Bcc, each once; Bcc is in no header."""
        seen: dict[str, None] = {}
        for box in [*self.to, *self.cc, *self.bcc]:
            seen.setdefault(box.email, None)
        return list(seen)

    def needs_smtputf8(self) -> bool:
        return not all(box.email.isascii() for box in [self.sender, *self.to, *self.cc, *self.bcc, *self.reply_to])


def address_problem(text: str) -> str | None:
    """Why a bare address (user@example.com) is not one a message can go to, or None."""
    if any(ch in text for ch in _BREAKS):
        return "contains a line break"
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return "is not an email address (name@domain)"
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return "has a name part (before @) with characters an address cannot have"
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return f"has a domain ({domain}) that is not a valid domain name"
    labels = ascii_domain.rstrip(".").split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or len(ascii_domain) > 253:
        return f"has a domain ({domain}) that is not a valid domain name"
    return None


def parse_one(text: str, what: str) -> Mailbox:
    """One address, bare or as `Name <user@example.com>`."""
    found = parse_list(text, what)
    if len(found) != 1:
        raise AddressProblem(f"{what} must be one address, not {len(found)}.")
    return found[0]


def parse_list(value: Any, what: str) -> list[Mailbox]:
    """Addresses from text (separated by commas or semicolons) or a list (of texts, or of dicts with email/name)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        found: list[Mailbox] = []
        for item in value:
            if isinstance(item, dict):
                found.append(mailbox(str(item.get("email") or ""), str(item.get("name") or ""), what))
            else:
                found.extend(parse_list(str(item), what))
        return found
    text = str(value)
    if any(ch in text for ch in _BREAKS):
        raise AddressProblem(f"{what} contains a line break after filling in variables.")
    boxes = []
    for raw in _pieces(_outside_quotes(text, ";", ",")):
        name, addr = parseaddr(raw.strip())
        if not addr or "@" not in addr:
            raise AddressProblem(f"{what}: {raw.strip()!r} is not an email address.")
        boxes.append(mailbox(addr, name, what))
    return boxes


def mailbox(email: str, name: str, what: str) -> Mailbox:
    email, name = email.strip(), " ".join(name.split())
    if any(ch in name for ch in _BREAKS):
        raise AddressProblem(f"{what}: a name contains a line break.")
    problem = address_problem(email)
    if problem:
        raise AddressProblem(f"{what}: {email!r} {problem}.")
    return Mailbox(email=email, name=name)


def _outside_quotes(text: str, old: str, new: str) -> str:
    out, quoted = [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        out.append(new if ch == old and not quoted else ch)
    return "".join(out)


def _pieces(text: str) -> list[str]:
    """The comma-separated pieces, quotes and angle brackets respected (so each address has its raw text)."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = angle = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch == "," and not quoted and not angle:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p for p in pieces if p.strip()]


def header_text(value: str, what: str) -> str:
    """A header value after rendering: a line break would start a header of the sender's choosing, so it is refused."""
    if any(ch in value for ch in _BREAKS):
        raise AddressProblem(f"The {what} contains a line break after filling in variables.")
    return value.strip()


def safe_filename(name: str) -> str:
    """A file name without folders or control characters (what a mail client would save)."""
    base = re.split(r"[\\/]", name.strip())[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"')
    return base.strip(". ") or "attachment"


def guess_type(filename: str, given: str = "") -> str:
    given = (given or "").split(";")[0].strip().lower()
    if re.match(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", given):
        return given
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def message_id(sender: Mailbox) -> str:
    return make_msgid(domain=sender.email.rpartition("@")[2].encode("idna").decode("ascii"))


def build(draft: Draft, msgid: str) -> EmailMessage:
    """The MIME message: text and HTML as multipart/alternative, attachments around them; no Bcc header."""
    policy = SMTPUTF8 if draft.needs_smtputf8() else SMTP
    msg = EmailMessage(policy=policy)
    msg["From"] = draft.sender.header()
    msg["To"] = [box.header() for box in draft.to] if draft.to else "undisclosed-recipients:;"
    if draft.cc:
        msg["Cc"] = [box.header() for box in draft.cc]
    if draft.reply_to:
        msg["Reply-To"] = [box.header() for box in draft.reply_to]
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = msgid
    if draft.text:
        msg.set_content(draft.text)
        if draft.html:
            msg.add_alternative(draft.html, subtype="html")
    else:
        msg.set_content(draft.html, subtype="html")
    for item in draft.attachments:
        maintype, _, subtype = item.content_type.partition("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype or "octet-stream", filename=item.filename)
    return msg


def as_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes()


def shown(boxes: Iterable[Mailbox]) -> list[str]:
    return [box.shown() for box in boxes]


def excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def count_problem(draft: Draft) -> str | None:
    if not draft.recipients:
        return "The message has no recipient: give at least one address in To, Cc or Bcc."
    if len(draft.recipients) > MAX_RECIPIENTS:
        return f"The message has {len(draft.recipients)} recipients; at most {MAX_RECIPIENTS} are allowed per message."
    return None


__all__: Sequence[str] = [
    "AddressProblem",
    "Attachment",
    "Draft",
    "Mailbox",
    "address_problem",
    "build",
    "header_text",
    "parse_list",
    "parse_one",
]
