"""`set_variable`: store a value (a template) in a conversation variable."""

from nodes.base import Context, NodeConfig, NodeType, Outcome, template_field, variable_field


class SetVariableConfig(NodeConfig):
    variable: str = variable_field(title="Variable")
    value: str = template_field("", title="Value", max_length=4000)


class SetVariable(NodeType[SetVariableConfig]):
    key = "set_variable"
    label = "Set variable"
    icon = "variable"
    description = "Save a value, such as {{ first_name }} or a fixed text, in a variable."
    Config = SetVariableConfig

    def run(self, config: SetVariableConfig, ctx: Context) -> Outcome:
        return Outcome(handle="next", variables={config.variable: config.value})
