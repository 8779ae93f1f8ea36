"""`start`: where every conversation begins."""

from nodes.base import Context, NodeConfig, NodeType, Outcome


class Start(NodeType[NodeConfig]):
    key = "start"
    label = "Start"
    icon = "play"
    description = "Where the conversation begins. Every flow has exactly one."
    accepts_input = False

    def run(self, config: NodeConfig, ctx: Context) -> Outcome:
        return Outcome(handle="next")
