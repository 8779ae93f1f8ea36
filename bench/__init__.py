"""Benchmarks (`make bench`): engine steps in process, chat turns over HTTP, peers, and step events on WebSockets."""
