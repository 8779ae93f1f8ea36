"""`message`: the bot says something."""

from nodes.base import Context, NodeConfig, NodeType, Outcome, OutMessage, template_field


class MessageConfig(NodeConfig):
    text: str = template_field(title="Message", multiline=True, min_length=1, max_length=4000)


class Message(NodeType[MessageConfig]):
    key = "message"
    label = "Message"
    icon = "message-circle"
    description = "Send a message. Use {{ variable }} to include what the user said."
    Config = MessageConfig

    def run(self, config: MessageConfig, ctx: Context) -> Outcome:
        if not config.text.strip():  # e.g. "{{ note }}" with no note: an empty bubble helps nobody
            return Outcome(handle="next", output={"skipped": "the message rendered empty"})
        return Outcome(handle="next", messages=[OutMessage(config.text)])
