"""`sms`: send a text (SMS or WhatsApp) to any number through a Twilio credential and sender."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from integrations.errors import OutboundError
from nodes.base import Context, NodeConfig, NodeType, Outcome, template_field
from nodes.templating import is_template

from .common import (
    CATEGORY,
    OUTPUTS,
    CallFailed,
    Exchanges,
    credential,
    credential_field,
    save_as_field,
    services,
    timeout_field,
)

KINDS = ["twilio"]
MAX_BODY = 1600  # Twilio's limit for one message body
NUMBER = re.compile(r"^(whatsapp:)?\+[1-9]\d{6,14}$")
SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")


class SmsConfig(NodeConfig):
    credential: int = credential_field(KINDS, required=True, title="Twilio credential")
    sender: str = Field(
        "",
        title="From",
        max_length=100,
        description="A Twilio number (+15551234567), whatsapp:+15551234567, or a Messaging Service SID (MG...).",
    )
    to: str = template_field("", title="To", max_length=200, description="+15557654321, or {{ phone }}.")
    text: str = template_field("", title="Text", multiline=True, max_length=MAX_BODY * 2)
    save_as: str | None = save_as_field("Save the result in")
    timeout_s: float = timeout_field()


class Sms(NodeType[SmsConfig]):
    key = "sms"
    label = "Send SMS"
    category = CATEGORY
    icon = "message-circle"
    description = "Text any number (SMS or WhatsApp) through Twilio: a confirmation, a reminder, a code."
    outputs = OUTPUTS
    Config = SmsConfig

    def check(self, config: SmsConfig) -> list[tuple[str, str]]:
        problems = []
        sender = config.sender.strip()
        if not (NUMBER.match(sender) or SERVICE.match(sender)):
            problems.append(("sender", "Give a Twilio number (+15551234567), whatsapp:+..., or an MG... SID."))
        to = config.to.strip()
        if not to:
            problems.append(("to", "Give the number to text."))
        elif not is_template(to) and not NUMBER.match(to.replace(" ", "")):
            problems.append(("to", "Write the number in E.164 form: + and the country code, such as +15557654321."))
        if not config.text.strip():
            problems.append(("text", "Write the text to send."))
        return problems

    def run(self, config: SmsConfig, ctx: Context) -> Outcome:
        svc = services(ctx, self.label)
        conn = credential(svc, ctx, config.credential, KINDS)
        sender = config.sender.strip()
        to = config.to.strip().replace(" ", "")
        if sender.startswith("whatsapp:") and not to.startswith("whatsapp:"):
            to = f"whatsapp:{to}"
        exchanges = Exchanges(svc)
        if not NUMBER.match(to):
            raise CallFailed(f"{to!r} is not a phone number in E.164 form (+ and the country code).")
        if len(config.text) > MAX_BODY:
            raise CallFailed(f"The text is {len(config.text)} characters; one message holds at most {MAX_BODY}.")
        origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        from twilio.base.exceptions import TwilioException, TwilioRestException

        client = conn.client(timeout_s=config.timeout_s)
        try:
            message = client.messages.create(to=to, body=config.text, **origin)
        except TwilioRestException as exc:
            reason = " ".join(str(exc.msg or "").split())[:300]
            raise CallFailed(f"Twilio refused the message to {to} (error {exc.code}): {reason}",
                             {"error_code": exc.code, "exchanges": exchanges.new()}) from None  # fmt: skip
        except (OutboundError, TwilioException) as exc:
            raise CallFailed(f"Sending to {to} failed: {exc}", {"exchanges": exchanges.new()}) from None
        result: dict[str, Any] = {"sid": message.sid, "status": message.status, "to": to}
        variables = {config.save_as: result} if config.save_as else {}
        return Outcome(handle="success", variables=variables, output={**result, "exchanges": exchanges.new()})
