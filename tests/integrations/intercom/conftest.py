from tests.integrations.nodes.conftest import loopback, server, svc  # noqa: F401  (the same local peers)
