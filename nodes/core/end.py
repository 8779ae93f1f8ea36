"""`end`: the conversation is over (optionally with a goodbye)."""

from nodes.base import Context, NodeConfig, NodeType, Outcome, OutMessage, template_field


class EndConfig(NodeConfig):
    text: str = template_field("", title="Goodbye message (optional)", multiline=True, max_length=4000)


class End(NodeType[EndConfig]):
    key = "end"
    label = "End"
    icon = "square"
    description = "End the conversation, optionally with a last message."
    outputs = ()
    Config = EndConfig

    def run(self, config: EndConfig, ctx: Context) -> Outcome:
        return Outcome(handle=None, messages=[OutMessage(config.text)] if config.text.strip() else [])
