"""`make`: start a Make (formerly Integromat) scenario through its custom webhook; its reply can carry data."""

from .webhook import WebhookConfig, WebhookNode, webhook_url_field


class MakeConfig(WebhookConfig):
    webhook_url: str = webhook_url_field(
        "https://hook.eu1.make.com/abc123", "from the scenario's Webhooks > Custom webhook module."
    )


class Make(WebhookNode):
    key = "make"
    label = "Make"
    platform = "make"
    icon = "workflow"
    description = "Run a Make scenario via its webhook and map the data it answers with into variables."
    Config = MakeConfig
