"""Node types: the registry, the core conversation nodes and the integration nodes."""
