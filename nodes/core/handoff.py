"""`handoff`: pause the bot and ask for a person (the built-in inbox, Intercom, or the team by email); go on when an
agent hands back, closes, or nobody came in time."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from pydantic import Field

from integrations.providers import mail
from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, OutMessage, Output, template_field
from nodes.integrations.common import credential, credential_field, services, show_when
from nodes.integrations.email import KIND as SMTP_KIND
from nodes.integrations.email import send_draft, sender_of
from nodes.integrations.intercom import KINDS as INTERCOM_KINDS
from nodes.integrations.intercom import IntercomApi, transcript
from nodes.templating import is_template

from . import moments

Priority = Literal["low", "normal", "high", "urgent"]
Route = Literal["inbox", "intercom", "email"]
# The hook key a release or close resumes the node with (flows/handoff.py sends it; nobody else can).
HANDOFF_KEY = "handoff"
ENDINGS = ("resolved", "closed")
TRANSCRIPT_TURNS = 50
EMAIL_TIMEOUT_S = 20.0


class HandoffConfig(NodeConfig):
    reason: str = template_field("", title="Reason", max_length=500, description="What the agent sees first.")
    # The teams kept in admin are offered as suggestions; a name not among them is a warning when saving (flows).
    team: str = template_field(
        "",
        title="Team",
        max_length=100,
        suggest="teams",
        description="Which agents' inbox filter finds it: one of the teams kept in admin, any name, or a template.",
    )
    priority: Priority = Field("normal", title="Priority")
    message: str = template_field(
        "", title="Say to the customer", multiline=True, max_length=2000, description="Empty: say nothing."
    )
    # A flow saved before this setting existed has no route_to: the default keeps it in the built-in inbox.
    route_to: Route = Field(
        "inbox",
        title="Route to",
        description="inbox: the built-in inbox. intercom: a conversation in Intercom, answered there. "
        "email: the team gets an email and answers in the built-in inbox.",
    )
    intercom_credential: int | None = show_when(
        credential_field(INTERCOM_KINDS, title="Intercom credential"), route_to=["intercom"]
    )
    email: str = show_when(
        template_field("", title="Customer's email", max_length=320, description="Finds the Intercom contact."),
        route_to=["intercom"],
    )
    external_id: str = show_when(
        template_field("", title="Customer's external id", max_length=200, description="Your id of the user."),
        route_to=["intercom"],
    )
    name: str = show_when(
        template_field("", title="Customer's name", max_length=200, description="For a contact created here."),
        route_to=["intercom"],
    )
    email_credential: int | None = show_when(credential_field([SMTP_KIND], title="SMTP server"), route_to=["email"])
    to: str = show_when(
        template_field(
            "", title="Email the team at", max_length=2000, description="Addresses separated by commas or semicolons."
        ),
        route_to=["email"],
    )
    no_agent_after: str = Field(
        "",
        title="No agent after",
        max_length=40,
        description="A duration (90s, 15m, 2h): nobody claimed it (Intercom: no admin replied) by then, so the flow "
        "goes on at 'No agent'. Empty: wait for an agent however long.",
    )


class Handoff(NodeType[HandoffConfig]):
    key = "handoff"
    label = "Hand to a person"
    icon = "users"
    description = (
        "Pause the bot and hand the conversation to an agent: in the inbox, in Intercom, or by email to the team."
    )
    outputs = (
        Output("resolved", "Handed back"),
        Output("closed", "Closed by the agent"),
        Output("no_agent", "No agent in time"),
        Output("error", "Error"),
    )
    Config = HandoffConfig

    def check(self, config: HandoffConfig) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if config.no_agent_after.strip():
            try:
                moments.duration(config.no_agent_after)
            except ValueError as exc:
                problems.append(("no_agent_after", str(exc)))
        if config.route_to == "intercom":
            if not config.intercom_credential:
                problems.append(("intercom_credential", "Pick the Intercom credential to open the conversation with."))
            if not (config.email.strip() or config.external_id.strip()):
                problems.append(("email", "Give the customer's email or external id: Intercom needs a contact."))
        if config.route_to == "email":
            if not config.email_credential:
                problems.append(("email_credential", "Pick the SMTP server to send the email through."))
            if not config.to.strip():
                problems.append(("to", "Give the address(es) to email the team at."))
            elif not is_template(config.to):
                try:
                    mail.parse_list(config.to, "To")
                except mail.AddressProblem as exc:
                    problems.append(("to", str(exc)))
        return problems

    def awaiting(self, config: HandoffConfig) -> dict[str, Any]:
        return {"type": "handoff", "choices": None}

    def run(self, config: HandoffConfig, ctx: Context) -> Outcome:
        if ctx.timer is not None and ctx.timer.get("kind") == "wake":
            return Outcome(handle="no_agent", output={"no_agent_by": ctx.timer.get("due_at")})
        if ctx.hook is not None:
            if ctx.hook.get("key") != HANDOFF_KEY:
                return Outcome(wait=True, keep_wake=True, output={"ignored": "a hook delivery during a handoff"})
            payload = ctx.hook.get("payload") or {}
            ending = payload.get("outcome")
            if ending not in ENDINGS:
                raise NodeError(f"The handoff ended in an unknown way: {ending!r}.")
            variables = payload.get("variables") or {}
            return Outcome(handle=ending, variables=dict(variables), output={"by": payload.get("agent", "")})
        if ctx.answer is not None:
            # Messages while a person holds it are stored for the agent, not run; one that got here anyway waits too.
            return Outcome(wait=True, keep_wake=True, output={"stored_for_agent": ctx.answer})
        awaiting: dict[str, Any] = {
            "type": "handoff",
            "choices": None,
            "reason": config.reason,
            "team": config.team,
            "priority": config.priority,
            "route": config.route_to,
        }
        wake = None
        if config.no_agent_after.strip():
            try:
                wake = ctx.now() + moments.duration(config.no_agent_after)
            except ValueError as exc:
                raise NodeError(str(exc)) from None
        output: dict[str, Any] = {"asked": awaiting}
        if config.route_to == "intercom":
            awaiting["intercom"], output["calls"] = _open_in_intercom(config, ctx)
        elif config.route_to == "email":
            output["email"] = _email_the_team(config, ctx)
        messages = [OutMessage(config.message)] if config.message.strip() else []
        return Outcome(wait=True, wake=wake, messages=messages, awaiting=awaiting, output=output)


def _summary(config: HandoffConfig) -> list[str]:
    return [
        f"Reason: {config.reason.strip() or '(none given)'}",
        f"Team: {config.team.strip() or '(any)'}",
        f"Priority: {config.priority}",
    ]


def _open_in_intercom(config: HandoffConfig, ctx: Context) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The contact found or created and a conversation opened as them, carrying the summary and the transcript."""
    api = IntercomApi.for_node(ctx, config.intercom_credential, "Hand to a person")
    contact_id = api.contact(config.email, config.external_id, config.name)
    head = "A customer asks for a person.\n" + "\n".join(_summary(config))
    conversation_id = api.open_conversation(contact_id, transcript(ctx, head, turns=TRANSCRIPT_TURNS))
    if not conversation_id:
        raise NodeError("Intercom opened the conversation but did not say its id, so replies could not reach it.")
    opened = {"credential": api.conn.id, "contact_id": contact_id, "conversation_id": conversation_id}
    return opened, api.outputs


def inbox_link(conversation_id: str) -> str:
    """Where an agent answers the conversation: the built-in inbox, opened on it."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/builder/inbox/?conversation={conversation_id}"


def _email_the_team(config: HandoffConfig, ctx: Context) -> dict[str, Any]:
    """An email to the team: reason, team, priority, a link to the conversation in the inbox, the transcript."""
    svc = services(ctx, "Hand to a person")
    if not config.email_credential:
        raise NodeError("Pick the SMTP server in the step's settings.")
    cred = credential(svc, ctx, config.email_credential, [SMTP_KIND])
    sender = sender_of(cred)
    lines = [
        "A customer asks for a person.",
        "",
        *_summary(config),
        "",
        f"Answer in the inbox: {inbox_link(ctx.conversation_id)}",
    ]
    subject = " ".join(f"[{config.priority}] A customer asks for a person: {config.reason or config.team}".split())
    try:
        draft = mail.Draft(
            sender=sender,
            to=mail.parse_list(config.to, "To"),
            subject=mail.header_text(subject.rstrip(": ")[:200], "subject"),
            text=transcript(ctx, "\n".join(lines), turns=TRANSCRIPT_TURNS),
        )
        problem = mail.count_problem(draft)
    except mail.AddressProblem as exc:
        raise NodeError(str(exc)) from None
    if problem:
        raise NodeError(problem)
    output, _msgid, _sent = send_draft(svc, cred, draft, timeout_s=EMAIL_TIMEOUT_S)
    return output
