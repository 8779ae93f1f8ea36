"""`wait_webhook`: pause the conversation until an outside service posts to one of the flow's incoming hooks."""

from typing import Any

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeType, Outcome, variable_field


class WaitWebhookConfig(NodeConfig):
    hook: str = Field(
        title="Hook",
        pattern=r"^[-a-zA-Z0-9_]+$",
        max_length=60,
        description="The key of the flow's incoming hook (a resume hook) whose delivery continues the conversation.",
        json_schema_extra={"x-widget": "hook"},
    )
    save_as: str | None = variable_field(
        None, title="Save the posted JSON in", description="Empty: the variable the hook is set up with."
    )


class WaitWebhook(NodeType[WaitWebhookConfig]):
    key = "wait_webhook"
    label = "Wait for webhook"
    icon = "webhook"
    description = (
        "Wait until Zapier, Make or any service posts to the flow's hook for this conversation's external id, "
        "then save the posted JSON and go on."
    )
    Config = WaitWebhookConfig

    def awaiting(self, config: WaitWebhookConfig) -> dict[str, Any]:
        # The hook key lets the resume action find the conversations waiting for it with one query.
        return {"type": "webhook", "choices": None, "hook": config.hook}

    def run(self, config: WaitWebhookConfig, ctx: Context) -> Outcome:
        if ctx.hook is None:
            if ctx.answer is None:
                return Outcome(wait=True, output={"hook": config.hook})
            # The user typed while the bot waits for the outside service: keep waiting, say nothing.
            return Outcome(wait=True, output={"hook": config.hook, "ignored": "a message arrived, not the webhook"})
        if ctx.hook.get("key") != config.hook:
            return Outcome(
                wait=True, output={"hook": config.hook, "ignored": f"a delivery to hook {ctx.hook.get('key')!r}"}
            )
        variable = config.save_as or ctx.hook.get("variable") or "hook"
        return Outcome(handle="next", variables={variable: ctx.hook.get("payload")}, output={"hook": config.hook})
