"""REST APIs: the builder API (editors) and the chat API (public, for widgets)."""
