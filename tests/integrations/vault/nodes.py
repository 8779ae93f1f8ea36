"""A node type for the canary tests: it sends its credential's secret to a server that echoes the request back."""

from __future__ import annotations

from pydantic import Field

from nodes.base import Context, NodeConfig, NodeError, NodeType, Outcome, Output


class EchoConfig(NodeConfig):
    credential: int | None = Field(
        None, json_schema_extra={"x-widget": "credential", "x-credential-kinds": ["api_connection"]}
    )
    path: str = "/echo"
    fail: bool = False  # raise with the server's answer in the message, as a careless node might


class EchoSecret(NodeType[EchoConfig]):
    key = "test_echo_secret"
    label = "Echo secret (tests)"
    category = "Tests"
    outputs = (Output("success", "Success"), Output("error", "Error"))
    Config = EchoConfig

    def run(self, config: EchoConfig, ctx: Context) -> Outcome:
        services = ctx.services
        cred = services.credential(config.credential, kinds=["api_connection"], node_id=ctx.node_id)
        first = len(services.http.exchanges)
        # The secret in the body too, so the echo carries it in every form the server saw it.
        body = {"secrets": cred.secrets}
        response = services.api_request(cred, "POST", config.path, json=body)
        if config.fail:
            raise NodeError(f"The server said {response.text} to {cred.secrets}")
        return Outcome(
            handle="success",
            variables={"echo": response.json()},
            output={"request": body, "exchanges": services.http.exchanges[first:]},
        )
