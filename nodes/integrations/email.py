"""`email`: send a message through an SMTP credential, or one message per recipient of a list (bulk, queued)."""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from django.conf import settings
from pydantic import Field

from integrations.errors import AssetMissing, OutboundError, SmtpError
from integrations.providers import mail
from nodes import templating
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, lookup, template_field
from nodes.outside import Connection, Outside
from nodes.templating import is_template

from .common import (
    CATEGORY,
    OUTPUTS,
    CallFailed,
    Exchanges,
    RetryConfig,
    credential,
    credential_field,
    retry_field,
    save_as_field,
    services,
    show_when,
    shown_url,
    status_failure,
    timeout_field,
    url_problem,
)

KIND = "smtp"
MAX_ATTACHMENTS = 10
EXCERPT = 200
PATH_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$"
_LONE_VARIABLE = re.compile(r"^\s*\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}\s*$")
_ADDRESS_HELP = "Addresses separated by commas or semicolons (Name <name@example.com> works), or {{ a_list }}."


def _template(title: str, *, multiline: bool = False, max_length: int = 4000, description: str | None = None) -> Any:
    # Rendered by the node, not the engine: in bulk mode each message sees its own `recipient`.
    return template_field(
        "", title=title, multiline=multiline, by_node=True, max_length=max_length, description=description
    )


class EmailAttachment(NodeConfig):
    source: Literal["url", "asset"] = Field("url", title="From")
    url: str = show_when(_template("URL", max_length=2000, description="Fetched when the node runs."), source=["url"])
    asset: str = show_when(
        Field("", title="Asset name", max_length=200, description="A file an admin uploaded under Flow assets."),
        source=["asset"],
    )
    filename: str = _template("File name", max_length=255, description="Blank: the file's own name.")


class EmailConfig(NodeConfig):
    credential: int = credential_field([KIND], required=True, title="SMTP server")
    mode: Literal["single", "bulk"] = Field(
        "single",
        title="Send",
        description="single: one message. bulk: one message per item of a list variable, sent in the background.",
    )
    to: str = show_when(_template("To", description=_ADDRESS_HELP), mode=["single"])
    recipients: str = show_when(
        Field(
            "",
            title="Recipients (list variable)",
            pattern=r"^$|" + PATH_PATTERN,
            max_length=200,
            description="Each item is an object with the address and its own values: {{ recipient.name }}.",
            json_schema_extra={"x-widget": "variable"},
        ),
        mode=["bulk"],
    )
    email_field: str = show_when(
        Field("email", title="Address field of each recipient", pattern=PATH_PATTERN, max_length=100), mode=["bulk"]
    )
    cc: str = _template("Cc", description=_ADDRESS_HELP)
    bcc: str = _template("Bcc", description="Receive the message without being named in it. " + _ADDRESS_HELP)
    reply_to: str = _template("Reply-To", max_length=1000)
    subject: str = _template("Subject", max_length=1000)
    text: str = _template("Text body", multiline=True, max_length=20000)
    html: str = _template("HTML body", multiline=True, max_length=20000, description="Variables are HTML-escaped.")
    attachments: list[EmailAttachment] = Field(default_factory=list, title="Attachments", max_length=MAX_ATTACHMENTS)
    save_as: str | None = save_as_field("Save the result in")
    timeout_s: float = timeout_field()
    retry: RetryConfig = retry_field()


def _static_addresses(value: str, what: str, field: str) -> list[tuple[str, str]]:
    if not value.strip() or is_template(value):
        return []
    try:
        mail.parse_list(value, what)
    except mail.AddressProblem as exc:
        return [(field, str(exc))]
    return []


class Email(NodeType[EmailConfig]):
    key = "email"
    label = "Email"
    category = CATEGORY
    icon = "mail"
    description = "Send an email (text and/or HTML, attachments) through an SMTP server, or one to each of a list."
    outputs = OUTPUTS
    Config = EmailConfig

    def check(self, config: EmailConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if config.mode == "single":
            if not (config.to.strip() or config.cc.strip() or config.bcc.strip()):
                problems.append(("to", "Give at least one recipient (To, Cc or Bcc)."))
            problems += _static_addresses(config.to, "To", "to")
        elif not config.recipients:
            problems.append(("recipients", "Name the list variable that holds the recipients."))
        problems += _static_addresses(config.cc, "Cc", "cc")
        problems += _static_addresses(config.bcc, "Bcc", "bcc")
        problems += _static_addresses(config.reply_to, "Reply-To", "reply_to")
        if not config.subject.strip():
            problems.append(("subject", "Give the subject."))
        if not config.text.strip() and not config.html.strip():
            problems.append(("text", "Give a text body, an HTML body, or both."))
        for i, item in enumerate(config.attachments):
            if item.source == "url":
                problem = url_problem(item.url)
                if problem:
                    problems.append((f"attachments.{i}.url", problem))
            elif not item.asset.strip():
                problems.append((f"attachments.{i}.asset", "Give the name of the flow asset to attach."))
        return problems

    def run(self, config: EmailConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        cred = credential(svc, ctx, config.credential, [KIND])
        sender = sender_of(cred)
        exchanges = Exchanges(svc)
        attachments = self._attachments(config, ctx, svc, exchanges)
        if config.mode == "bulk":
            return self._bulk(config, ctx, svc, cred, sender, attachments)
        try:
            draft = _draft(config, ctx.variables, sender, attachments)
        except mail.AddressProblem as exc:
            raise NodeError(str(exc)) from None
        output, msgid, sent = send_draft(
            svc, cred, draft, timeout_s=config.timeout_s, retry=config.retry.policy(), fetched=exchanges.new()
        )
        variables = {}
        if config.save_as:
            variables[config.save_as] = {
                "message_id": msgid,
                "accepted": sent.accepted,
                "refused": sent.refused,
                "response": sent.response,
            }
        return Outcome(handle="success", variables=variables, output=output)

    def _bulk(
        self,
        config: EmailConfig,
        ctx: Context,
        svc: Outside,
        cred: Connection,
        sender: mail.Mailbox,
        attachments: list[mail.Attachment],
    ) -> Outcome:
        found = lookup(ctx.variables, config.recipients)
        if not isinstance(found, list):
            held = "nothing" if found is None else f"a {type(found).__name__}"
            raise NodeError(f"The variable {config.recipients!r} should hold a list of recipients; it holds {held}.")
        limit = int(settings.EMAIL_BULK_MAX_RECIPIENTS)
        if len(found) > limit:
            raise NodeError(f"The list has {len(found)} recipients; a bulk send takes at most {limit}.")
        items = [_item(config, ctx.variables, sender, attachments, i, r) for i, r in enumerate(found)]
        try:
            progress = svc.email_batch(
                cred, node_id=ctx.node_id, items=items, attachments=attachments, timeout_s=config.timeout_s
            )
        except OutboundError as exc:
            raise NodeError(str(exc)) from None
        invalid = [
            {"position": i, "email": it["email"], "error": it["error"]} for i, it in enumerate(items) if "error" in it
        ]
        output: dict[str, Any] = {"batch": progress, "invalid": invalid[:20]}
        first = next((it["message"] for it in items if "message" in it), None)
        if first:
            output["message"] = {"subject": first["subject"], "attachments": [a.describe() for a in attachments]}
        variables = {}
        if config.save_as:
            variables[config.save_as] = {
                "batch_id": progress["id"],
                "total": progress["total"],
                "queued": progress["total"] - len(invalid),
                "failed": len(invalid),
            }
        if len(invalid) == len(items):
            why = f": {invalid[0]['error']}" if invalid else ""
            raise CallFailed(f"No recipient of the list can be sent to ({len(items)} in the list){why}", output)
        return Outcome(handle="success", variables=variables, output=output)

    def _attachments(
        self, config: EmailConfig, ctx: Context, svc: Outside, exchanges: Exchanges
    ) -> list[mail.Attachment]:
        found: list[mail.Attachment] = []
        for item in config.attachments:
            name = _render(item.filename, ctx.variables, "attachment file name")
            if item.source == "asset":
                try:
                    asset = svc.asset(item.asset)
                except AssetMissing as exc:
                    raise NodeError(str(exc)) from None
                filename = mail.safe_filename(name or asset.filename)
                found.append(mail.Attachment(filename, mail.guess_type(filename, asset.content_type), asset.data))
            else:
                found.append(self._fetch(config, ctx, svc, exchanges, item, name))
        total = sum(len(a.data) for a in found)
        limit = int(settings.EMAIL_MAX_ATTACHMENT_BYTES)
        if total > limit:
            raise NodeError(f"The attachments add up to {_size(total)}; a message may carry at most {_size(limit)}.")
        return found

    def _fetch(
        self, config: EmailConfig, ctx: Context, svc: Outside, exchanges: Exchanges, item: EmailAttachment, name: str
    ) -> mail.Attachment:
        url = _render(item.url, ctx.variables, "attachment URL").strip()
        problem = url_problem(url, rendered=True)
        shown = shown_url(url)
        if problem:
            raise NodeError(f"The attachment URL {shown!r} cannot be fetched: {problem}")
        try:
            response = svc.http.request("GET", url, timeout_s=config.timeout_s, retry=config.retry.policy())
        except OutboundError as exc:
            raise CallFailed(
                f"The attachment {shown} could not be fetched: {exc}", {"exchanges": exchanges.new()}
            ) from None
        if not response.ok:
            failure = status_failure("GET", shown, response, {"exchanges": exchanges.new()})
            raise CallFailed(f"The attachment could not be fetched: {failure}", failure.output)
        filename = mail.safe_filename(name or _disposition_name(response.headers) or _url_name(url))
        content_type = mail.guess_type(filename, response.headers.get("content-type", ""))
        return mail.Attachment(filename, content_type, response.content)


def sender_of(cred: Connection) -> mail.Mailbox:
    """The From of an SMTP credential; a NodeError naming the credential when it has no valid one."""
    try:
        return mail.mailbox(
            str(cred.settings.get("from_address") or ""), str(cred.settings.get("from_name") or ""), "From"
        )
    except mail.AddressProblem as exc:
        raise NodeError(f"The credential {cred.name!r} has no valid From address: {exc}") from None


def send_draft(
    svc: Outside,
    cred: Connection,
    draft: mail.Draft,
    *,
    timeout_s: float,
    retry: Any = None,
    fetched: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], str, Any]:
    """Send one message through the SMTP connection: (the step's output, the Message-ID, what the server said).

    A refusal or a failure to connect raises CallFailed with the server's words; the output never holds whole bodies.
    """
    msgid = mail.message_id(draft.sender)
    output: dict[str, Any] = {"message": _described(draft, msgid)}
    if fetched:
        output["exchanges"] = fetched
    try:
        sent, attempts = svc.send_email(cred, draft, msgid=msgid, timeout_s=timeout_s, retry=retry)
    except SmtpError as exc:
        output["smtp"] = {"server": _server(cred), "error": str(exc), "code": exc.code}
        raise CallFailed(str(exc), output) from None
    except OutboundError as exc:  # the SSRF guard, the rate limit
        raise CallFailed(str(exc), output) from None
    output["smtp"] = {
        "server": _server(cred),
        "response": sent.response,
        "accepted": sent.accepted,
        "refused": sent.refused,
        "attempts": attempts,
        "elapsed_ms": sent.elapsed_ms,
    }
    return output, msgid, sent


def _render(source: str, variables: dict[str, Any], what: str, *, html: bool = False) -> str:
    try:
        return templating.render(source, variables, html=html)
    except templating.TemplateProblem as exc:
        raise NodeError(f"The {what} cannot be filled in: {exc}") from None


def _addresses(source: str, variables: dict[str, Any], what: str) -> list[mail.Mailbox]:
    """A field of addresses: `{{ a_list }}` alone gives the list's items; anything else is rendered, then split."""
    lone = _LONE_VARIABLE.match(source)
    if lone:
        value = lookup(variables, lone.group(1))
        if isinstance(value, list):
            return mail.parse_list(value, what)
    return mail.parse_list(_render(source, variables, what), what)


def _draft(
    config: EmailConfig,
    variables: dict[str, Any],
    sender: mail.Mailbox,
    attachments: list[mail.Attachment],
    to: list[mail.Mailbox] | None = None,
) -> mail.Draft:
    """The message with every template rendered and every address checked; AddressProblem says what is wrong."""
    draft = mail.Draft(
        sender=sender,
        to=to if to is not None else _addresses(config.to, variables, "To"),
        cc=_addresses(config.cc, variables, "Cc"),
        bcc=_addresses(config.bcc, variables, "Bcc"),
        reply_to=_addresses(config.reply_to, variables, "Reply-To"),
        subject=mail.header_text(_render(config.subject, variables, "subject"), "subject"),
        text=_render(config.text, variables, "text body"),
        html=_render(config.html, variables, "HTML body", html=True),
        attachments=attachments,
    )
    if not draft.text.strip() and not draft.html.strip():
        raise mail.AddressProblem("Both bodies are empty after filling in variables: the message would say nothing.")
    problem = mail.count_problem(draft)
    if problem:
        raise mail.AddressProblem(problem)
    return draft


def _item(
    config: EmailConfig,
    variables: dict[str, Any],
    sender: mail.Mailbox,
    attachments: list[mail.Attachment],
    index: int,
    recipient: Any,
) -> dict[str, Any]:
    """One recipient's message for the batch, or why it cannot be made (that recipient fails, not the batch)."""
    what = f"Recipient {index + 1}"
    if isinstance(recipient, str):
        recipient = {config.email_field: recipient}
    if not isinstance(recipient, dict):
        return {"email": "", "error": f"{what} is not an object with an address ({config.email_field})."}
    address = lookup(recipient, config.email_field)
    email = str(address or "").strip()
    if not email:
        return {"email": "", "error": f"{what} has no {config.email_field}."}
    try:
        name = recipient.get("name")
        to = [mail.mailbox(email, name if isinstance(name, str) else "", what)]
        draft = _draft(config, {**variables, "recipient": recipient}, sender, attachments, to=to)
    except (mail.AddressProblem, NodeError) as exc:
        return {"email": email, "error": str(exc)}
    message = {
        "to": [[b.email, b.name] for b in draft.to],
        "cc": [[b.email, b.name] for b in draft.cc],
        "bcc": [[b.email, b.name] for b in draft.bcc],
        "reply_to": [[b.email, b.name] for b in draft.reply_to],
        "subject": draft.subject,
        "text": draft.text,
        "html": draft.html,
    }
    return {"email": email, "message": message, "message_id": mail.message_id(sender)}


def _described(draft: mail.Draft, msgid: str) -> dict[str, Any]:
    """What the step shows: who, the subject, an excerpt of the text; never whole bodies."""
    return {
        "message_id": msgid,
        "from": draft.sender.shown(),
        "to": mail.shown(draft.to),
        "cc": mail.shown(draft.cc),
        "bcc": mail.shown(draft.bcc),
        "reply_to": mail.shown(draft.reply_to),
        "subject": draft.subject,
        "text_excerpt": mail.excerpt(draft.text, EXCERPT),
        "html_chars": len(draft.html),
        "attachments": [a.describe() for a in draft.attachments],
    }


def _server(cred: Connection) -> str:
    port = cred.settings.get("port") or {"ssl": 465, "none": 25}.get(str(cred.settings.get("security")), 587)
    return f"{cred.settings.get('host', '')}:{port}"


def _disposition_name(headers: Any) -> str:
    value = headers.get("content-disposition", "") or ""
    match = re.search(r"filename\*=(?:UTF-8'')?([^;]+)", value, re.IGNORECASE)
    if match:
        return unquote(match.group(1).strip().strip('"'))
    match = re.search(r'filename="?([^";]+)"?', value, re.IGNORECASE)
    return match.group(1).strip() if match else ""


def _url_name(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2]) or "attachment"


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"
