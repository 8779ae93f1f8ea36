"""`pabbly`: start a Pabbly Connect workflow through its webhook trigger."""

from .webhook import WebhookConfig, WebhookNode, webhook_url_field


class PabblyConfig(WebhookConfig):
    webhook_url: str = webhook_url_field(
        "https://connect.pabbly.com/workflow/sendwebhookdata/…", "from the workflow's Webhook trigger."
    )


class Pabbly(WebhookNode):
    key = "pabbly"
    label = "Pabbly Connect"
    platform = "pabbly"
    icon = "share-2"
    description = "Start a Pabbly Connect workflow: post variables to its webhook trigger."
    Config = PabblyConfig
