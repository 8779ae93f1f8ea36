"""Node types that exist only for tests: a slow one (to kill a worker mid-turn) and one that always fails."""

import time

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, Output


class SleepConfig(NodeConfig):
    seconds: float = Field(1.0, ge=0, le=30)


class Sleep(NodeType):
    key = "test_sleep"
    label = "Sleep (tests)"
    category = "Tests"
    Config = SleepConfig

    def run(self, config: SleepConfig, ctx: Context) -> Outcome:
        time.sleep(config.seconds)
        return Outcome(handle="next")


class Explode(NodeType):
    key = "test_explode"
    label = "Explode (tests)"
    category = "Tests"
    outputs = (Output("success", "Success"), Output("error", "Error"))

    def run(self, config: NodeConfig, ctx: Context) -> Outcome:
        raise NodeError("the test node failed on purpose")
