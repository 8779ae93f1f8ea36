"""`intercom`: find or create the contact, open or reply to a conversation (with the transcript), note, tag, event."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, template_field, variable_field
from nodes.outside import Connection, Outside

from .common import CATEGORY, OUTPUTS, CallFailed, call, credential, credential_field, services, show_when

Operation = Literal["contact", "conversation", "reply", "note", "tag", "event"]
KINDS = ("intercom",)
NEEDS_CONVERSATION = ["reply", "note"]
SAYS = ["conversation", "reply", "note"]


def _when(info: Any, *ops: str) -> Any:
    return show_when(info, operation=list(ops))


class IntercomConfig(NodeConfig):
    credential: int = credential_field(KINDS, required=True, title="Intercom credential")
    operation: Operation = Field(
        "conversation",
        title="Operation",
        description="contact: find or create; conversation: open one as the contact; reply: as the contact; "
        "note: an internal note as an admin; tag: tag the contact; event: a custom event of the contact.",
    )
    email: str = template_field("", title="Email", max_length=320, description="Finds the contact (or creates it).")
    external_id: str = template_field("", title="External id", max_length=200, description="Your id of the user.")
    name: str = template_field("", title="Name", max_length=200, description="For a contact created here.")
    conversation_id: str = _when(template_field("", title="Conversation id", max_length=100), *NEEDS_CONVERSATION)
    admin_id: str = _when(template_field("", title="Admin id", max_length=100), "note")
    message: str = _when(template_field("", title="Message", multiline=True, max_length=8000), *SAYS)
    with_transcript: bool = _when(
        Field(True, title="Add the transcript", description="The conversation so far, under the message."), *SAYS
    )
    tag: str = _when(template_field("", title="Tag", max_length=200), "tag")
    event_name: str = _when(template_field("", title="Event name", max_length=200), "event")
    save_as: str = variable_field("intercom", title="Save the result in")


class Intercom(NodeType[IntercomConfig]):
    key = "intercom"
    label = "Intercom"
    category = CATEGORY
    icon = "message-circle"
    description = "Find or create the contact in Intercom, open or reply to a conversation, add a note, tag, or event."
    outputs = OUTPUTS
    Config = IntercomConfig

    def check(self, config: IntercomConfig) -> list[tuple[str, str]]:
        problems = []
        if config.operation != "note" and not (config.email.strip() or config.external_id.strip()):
            problems.append(("email", "Give the contact's email or external id."))
        if config.operation in NEEDS_CONVERSATION and not config.conversation_id.strip():
            problems.append(("conversation_id", "Give the Intercom conversation to write in."))
        if config.operation == "note" and not config.admin_id.strip():
            problems.append(("admin_id", "A note is written by an admin: give the admin's id."))
        if config.operation == "tag" and not config.tag.strip():
            problems.append(("tag", "Give the tag's name."))
        if config.operation == "event" and not config.event_name.strip():
            problems.append(("event_name", "Give the event's name."))
        return problems

    def run(self, config: IntercomConfig, ctx: Context) -> Outcome:
        api = IntercomApi.for_node(ctx, config.credential)
        result: dict[str, Any] = {}
        if config.operation != "note":
            result["contact_id"] = api.contact(config.email, config.external_id, config.name)
        text = transcript(ctx, config.message, with_it=config.with_transcript) if config.operation in SAYS else ""
        if config.operation == "conversation":
            result["conversation_id"] = api.open_conversation(result["contact_id"], text)
        elif config.operation == "reply":
            api.reply_as_contact(config.conversation_id, result["contact_id"], text)
            result["conversation_id"] = config.conversation_id
        elif config.operation == "note":
            payload = {"message_type": "note", "type": "admin", "admin_id": config.admin_id, "body": text}
            api.post(f"/conversations/{api.segment(config.conversation_id)}/reply", payload)
            result["conversation_id"] = config.conversation_id
        elif config.operation == "tag":
            body = api.post("/tags", {"name": config.tag, "users": [{"id": result["contact_id"]}]})
            result["tag_id"] = str(body.get("id") or "")
        elif config.operation == "event":
            created = int(ctx.now().timestamp())
            api.post("/events", {"event_name": config.event_name, "created_at": created, "id": result["contact_id"]})
        return Outcome(handle="success", variables={config.save_as: result}, output={"calls": api.outputs})


class IntercomApi:
    """Intercom's calls through a credential's connection (the guarded client, the kind's token); also used by the
    handoff step's Intercom route and by the flows that forward a handed-off customer's messages."""

    def __init__(self, svc: Outside, conn: Connection):
        self.svc, self.conn = svc, conn
        self.outputs: list[dict[str, Any]] = []

    @classmethod
    def for_node(cls, ctx: Context, credential_id: int | None, label: str = "Intercom") -> IntercomApi:
        svc = services(ctx, label)
        if not credential_id:
            raise NodeError("Pick the Intercom credential in the step's settings.")
        return cls(svc, credential(svc, ctx, credential_id, KINDS))

    @staticmethod
    def segment(value: str) -> str:
        return quote(value.strip(), safe="")

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response, output = call(self.svc, self.conn, "POST", path, f"POST {path}", json=body, timeout_s=15)
        self.outputs.append(output)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not response.ok:
            raise CallFailed(f"Intercom refused POST {path} (HTTP {response.status}): {_errors(answer)}", output)
        return answer if isinstance(answer, dict) else {}

    def contact(self, email: str, external_id: str, name: str = "") -> str:
        """The contact's id: found by external id or email, else created."""
        field, value = ("external_id", external_id) if external_id.strip() else ("email", email)
        query = {"query": {"field": field, "operator": "=", "value": value.strip()}}
        found = self.post("/contacts/search", query).get("data") or []
        if found:
            return str(found[0].get("id"))
        created = {"role": "user", "email": email.strip() or None, "name": name or None}
        if external_id.strip():
            created["external_id"] = external_id.strip()
        return str(self.post("/contacts", {k: v for k, v in created.items() if v}).get("id"))

    def open_conversation(self, contact_id: str, text: str) -> str:
        """A new conversation started by the contact with this text; its id."""
        body = self.post("/conversations", {"from": {"type": "user", "id": contact_id}, "body": text})
        return str(body.get("conversation_id") or body.get("id") or "")

    def reply_as_contact(self, conversation_id: str, contact_id: str, text: str) -> None:
        payload = {"message_type": "comment", "type": "user", "intercom_user_id": contact_id, "body": text}
        self.post(f"/conversations/{self.segment(conversation_id)}/reply", payload)


def transcript(ctx: Context, message: str, *, with_it: bool = True, turns: int = 50) -> str:
    """The message, with the conversation so far under it (`Customer: ...` / `Bot: ...` lines) when asked."""
    text = message.strip()
    if with_it and ctx.history is not None:
        lines = [f"{'Customer' if said.role == 'user' else 'Bot'}: {said.text}" for said in ctx.history(turns)]
        if lines:
            text = f"{text}\n\n" + "\n".join(lines) if text else "\n".join(lines)
    return text or "(no message)"


def _errors(body: Any) -> str:
    """Intercom's error list ({"type": "error.list", "errors": [{"code", "message"}]}) as a sentence."""
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return "; ".join(f"{e.get('code', '')}: {e.get('message', '')}" for e in body["errors"] if isinstance(e, dict))
    return "no error message"
