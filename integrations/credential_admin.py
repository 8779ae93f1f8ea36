"""Admin for credentials (filled in by its module's author)."""
