"""Flows, versions, conversations and runs; graph validation; the engine; tasks; APIs; sockets."""
