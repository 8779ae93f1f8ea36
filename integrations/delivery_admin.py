"""Admin for deliverys (filled in by its module's author)."""
