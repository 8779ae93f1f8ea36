"""Flows and their immutable versions; conversations, their messages, and the runs and steps of each turn; teams."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Flow(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    graph = models.JSONField(default=dict, help_text="The draft graph (React Flow's shape); may have problems.")
    problems = models.JSONField(default=list, blank=True, help_text="What validation found in the draft.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="flows"
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Counts the draft's saves: a save made from an older revision is refused (409)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        # Beyond add/change/delete/view: what the Editor and Publisher roles add (flows/roles.py).
        permissions = [
            ("preview_flow", "Can preview drafts in the builder"),
            ("publish_flow", "Can publish flows and restore published versions"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def published_version(self) -> "FlowVersion | None":
        return self.versions.filter(is_preview=False).order_by("-number").first()


class FlowVersion(models.Model):
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(
        max_length=500, blank=True, help_text="What changed in this version, in the publisher's words."
    )
    is_preview = models.BooleanField(
        default=False, help_text="A snapshot of the draft for an editor's preview chat; never served to clients."
    )

    class Meta:
        ordering = ["flow", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["flow", "number"], condition=Q(is_preview=False), name="unique_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.flow} v{self.number}"


class Handoff(models.TextChoices):
    NONE = "", "Not handed off"
    WAITING = "waiting", "Waiting for an agent"
    AGENT = "agent", "Held by an agent"
    DONE = "done", "Handed back or closed"


class Conversation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="conversations")
    version = models.ForeignKey(FlowVersion, on_delete=models.CASCADE, related_name="conversations")
    channel = models.CharField(max_length=40, default="api")
    external_user_id = models.CharField(max_length=200, blank=True, db_index=True)
    # The messaging channel (SMS, WhatsApp) its replies go out through; null for the web chat, the API and hooks.
    messaging_channel = models.ForeignKey(
        "Channel", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    waiting_node = models.CharField(max_length=100, blank=True)
    awaiting = models.JSONField(null=True, blank=True, help_text="What input the bot waits for.")
    variables = models.JSONField(default=dict, blank=True)
    held = models.JSONField(
        default=list, blank=True, help_text="Messages that came during a wait, answered by the next node that asks."
    )
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Handed to a person (flows/handoff.py): while waiting or held, the customer's messages are stored, not run.
    handoff_status = models.CharField(max_length=10, choices=Handoff.choices, blank=True, db_index=True)
    handoff_node = models.CharField(max_length=100, blank=True)
    handoff_reason = models.CharField(max_length=500, blank=True)
    handoff_team = models.CharField(max_length=100, blank=True)
    handoff_priority = models.CharField(max_length=10, blank=True)
    handoff_requested_at = models.DateTimeField(null=True, blank=True)
    handoff_claimed_at = models.DateTimeField(null=True, blank=True)
    handoff_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handoff_agent_name = models.CharField(max_length=100, blank=True, help_text="The name the customer sees.")
    # Where the handoff was routed (the node's route_to: inbox, intercom, email) and, for Intercom, its conversation id
    # (Intercom's webhook notifications name it) and what forwarding needs (credential, contact_id); decision 0044.
    handoff_route = models.CharField(max_length=10, blank=True)
    handoff_remote_id = models.CharField(max_length=100, blank=True, db_index=True)
    handoff_remote = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("answer_conversation", "Can answer conversations handed to a person (the inbox)")]

    def __str__(self) -> str:
        return f"{self.flow} / {self.id}"


class Message(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "From the user"
        OUT = "out", "From the bot"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    text = models.TextField(blank=True)
    choices = models.JSONField(null=True, blank=True)
    payload = models.JSONField(null=True, blank=True)
    client_message_id = models.CharField(max_length=100, null=True, blank=True)
    run = models.ForeignKey("Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    # Delivery through a messaging channel (blank for the web chat): the provider's status and error code, as its
    # status callbacks report them (queued, sent, delivered, undelivered, failed; Twilio's 21211, 21610, ...).
    delivery_status = models.CharField(max_length=20, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    provider_sid = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_message_id"],
                condition=Q(client_message_id__gt=""),
                name="unique_client_message_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction}: {self.text[:60]}"


class Run(models.Model):
    """One turn: the engine run from one trigger (the start, or one inbound message) to a wait or an end."""

    class Trigger(models.TextChoices):
        START = "start"
        MESSAGE = "message"
        HOOK = "hook"
        TIMER = "timer"

    class Status(models.TextChoices):
        QUEUED = "queued"
        COMPLETED = "completed"
        FAILED = "failed"
        SKIPPED = "skipped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="runs")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    inbound = models.OneToOneField(
        Message,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="triggered",
        help_text="The message this run answers: a redelivered turn finds it done.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    timer = models.ForeignKey(
        "Timer", null=True, blank=True, on_delete=models.CASCADE, related_name="runs", help_text="The timer that fired."
    )
    firing = models.PositiveIntegerField(null=True, blank=True, help_text="Which firing of the timer (1, 2, ...).")

    class Meta:
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["conversation", "status"])]
        constraints = [
            # A timer's firing becomes exactly one turn, whichever scheduler claims it and however often.
            models.UniqueConstraint(fields=["timer", "firing"], condition=Q(timer__isnull=False), name="unique_firing")
        ]

    def __str__(self) -> str:
        return f"run {self.id} ({self.status})"


class Step(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveIntegerField()
    node_id = models.CharField(max_length=100)
    node_type = models.CharField(max_length=50)
    status = models.CharField(max_length=10)
    started_at = models.DateTimeField()
    duration_ms = models.FloatField()
    input = models.JSONField(default=dict, blank=True)
    output = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    handle = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="unique_step_seq")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.node_type} {self.node_id} ({self.status})"


class Hook(models.Model):
    """A catch URL (/api/v1/hooks/{flow_slug}/{key}/): an outside service starts or resumes a conversation."""

    class Action(models.TextChoices):
        START = "start", "Start a conversation"
        RESUME = "resume", "Resume the conversation waiting for it"

    class Auth(models.TextChoices):
        SIGNATURE = "signature", "Standard Webhooks signature"
        TOKEN = "token", "Secret token"

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="hooks")
    key = models.SlugField(max_length=60)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.START)
    auth = models.CharField(max_length=10, choices=Auth.choices, default=Auth.SIGNATURE)
    credential = models.ForeignKey(
        "integrations.Credential",
        on_delete=models.PROTECT,
        related_name="hooks",
        help_text="A webhook-secret credential: the signing secret(s) or the token.",
    )
    external_id_path = models.CharField(
        max_length=200, blank=True, help_text="JMESPath to the external id in the posted JSON (e.g. customer.id)."
    )
    variable = models.CharField(max_length=64, default="hook", help_text="Variable that receives the posted JSON.")
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["flow", "key"]
        constraints = [models.UniqueConstraint(fields=["flow", "key"], name="unique_hook_key")]

    def __str__(self) -> str:
        return f"{self.flow.slug}/{self.key}"


class HookDelivery(models.Model):
    """One accepted delivery to a hook; its id is unique per hook, so the same delivery twice starts nothing twice."""

    class Outcome(models.TextChoices):
        STARTED = "started"
        RESUMED = "resumed"
        IGNORED = "ignored"

    hook = models.ForeignKey(Hook, on_delete=models.CASCADE, related_name="deliveries")
    delivery_id = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    conversation = models.ForeignKey(Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["hook", "delivery_id"], name="unique_hook_delivery")]
        verbose_name_plural = "hook deliveries"

    def __str__(self) -> str:
        return f"{self.hook} {self.delivery_id} ({self.outcome})"


class FlowAsset(models.Model):
    """A file an admin uploaded for flows to use (email attachments); bytes in the database, so every worker has it."""

    name = models.CharField(max_length=200, help_text="How nodes refer to it, such as price-list.pdf.")
    flow = models.ForeignKey(
        Flow,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assets",
        help_text="Blank: every flow may use it. A flow's own asset wins over a shared one of the same name.",
    )
    filename = models.CharField(max_length=255, help_text="The file name recipients see.")
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField(editable=False)
    data = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "name"], name="unique_flow_asset_name"),
            models.UniqueConstraint(fields=["name"], condition=Q(flow__isnull=True), name="unique_shared_asset_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FlowWidget(models.Model):
    """How a flow's chat widget looks and which websites may embed it; edited without publishing."""

    flow = models.OneToOneField(Flow, on_delete=models.CASCADE, primary_key=True, related_name="widget")
    appearance = models.JSONField(default=dict, blank=True, help_text="Title, colours, texts (flows/widget.py).")
    allowed_origins = models.JSONField(
        default=list, blank=True, help_text="Websites (https://shop.example.com) that may embed it; empty: any."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"widget of {self.flow}"


class Timer(models.Model):
    """A moment at which a conversation gets a turn of its own: a wait or question timeout, or a named timer."""

    class Kind(models.TextChoices):
        WAKE = "wake", "Wake the waiting node (wait, question timeout)"
        NAMED = "named", "Named timer (timer node)"

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done", "Done (fired its last time)"
        CANCELLED = "cancelled"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="timers")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="timers")
    version = models.ForeignKey(
        FlowVersion, on_delete=models.CASCADE, related_name="timers", help_text="The version it was set on; it runs it."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True, help_text="A named timer's name; empty for a wake-up.")
    node_id = models.CharField(max_length=100, help_text="The node that set it (and that it resumes).")
    due_at = models.DateTimeField(help_text="When it fires next.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    payload = models.JSONField(default=dict, blank=True, help_text="every_s, count, end; a question's reminder.")
    fired_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    fired_at = models.DateTimeField(null=True, blank=True, help_text="When it last fired.")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="timer_due"),
            models.Index(fields=["conversation", "state"], name="timer_conversation"),
        ]

    def __str__(self) -> str:
        what = self.name or f"wake {self.node_id}"
        return f"{what} at {self.due_at:%Y-%m-%d %H:%M:%S} ({self.state})"


class Channel(models.Model):
    """A phone number (or WhatsApp sender) connected to a flow: people text it, the flow answers them there."""

    class Kind(models.TextChoices):
        TWILIO_SMS = "twilio_sms", "Twilio SMS"
        TWILIO_WHATSAPP = "twilio_whatsapp", "Twilio WhatsApp"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    credential = models.ForeignKey("integrations.Credential", on_delete=models.PROTECT, related_name="channels")
    sender = models.CharField(
        max_length=100,
        help_text="The number texts come from: +15551234567, whatsapp:+15551234567, or MG... (a "
        "Messaging Service SID).",
    )
    help_text = models.TextField(
        blank=True, default="", help_text="The answer to HELP; blank for a sentence naming the flow and STOP."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sender} → {self.flow}"


class ChannelInbound(models.Model):
    """A provider's message id seen on a channel: its unique constraint is what makes a retried delivery do nothing."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="inbound")
    message_sid = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "message_sid"], name="unique_channel_message_sid")]

    def __str__(self) -> str:
        return f"{self.message_sid} on {self.channel_id}"


class OptOut(models.Model):
    """A number that texted STOP to a channel: nothing more is sent to it there until it texts START."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="opt_outs")
    address = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "address"], name="unique_channel_opt_out")]

    def __str__(self) -> str:
        return f"{self.address} opted out of {self.channel}"


class HandoffNote(models.Model):
    """An agent's internal note on a conversation: kept for agents, never sent to the customer."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="handoff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class Team(models.Model):
    """A team of agents, kept in admin: the handoff step suggests these names and the inbox filters by them."""

    name = models.CharField(max_length=100, help_text="As a handoff step names it, such as Billing.")
    description = models.TextField(blank=True, help_text="Who is in it or what it answers; shown with the name.")

    class Meta:
        ordering = ["name"]
        constraints = [
            # "Billing" and "billing" would be one team to an agent filtering the inbox: one name, whatever its case.
            models.UniqueConstraint(Lower("name"), name="unique_team_name_any_case"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Here rather than by the constraint alone, so the refusal names the team that has the name.
        self.name = self.name.strip()
        same = Team.objects.filter(name__iexact=self.name).exclude(pk=self.pk).first()
        if same is not None:
            raise ValidationError(
                {"name": f"There is already a team named “{same.name}”: team names differ by more than capitals."}
            )
