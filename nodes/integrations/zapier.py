"""`zapier`: send the conversation's data to a Zap's "Catch Hook" trigger."""

from .webhook import WebhookConfig, WebhookNode, webhook_url_field


class ZapierConfig(WebhookConfig):
    webhook_url: str = webhook_url_field(
        "https://hooks.zapier.com/hooks/catch/123456/abcdef/", "from the Zap's Webhooks by Zapier trigger."
    )


class Zapier(WebhookNode):
    key = "zapier"
    label = "Zapier"
    platform = "zapier"
    icon = "zap"
    description = "Trigger a Zap: post variables to a Zapier Catch Hook, optionally signed."
    Config = ZapierConfig
