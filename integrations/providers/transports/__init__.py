"""Adapters that hand a client library's HTTP to the run's guarded client (one module per library)."""
