"""ASGI entry point: HTTP through Django, WebSockets through Channels (session auth, origin checked)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (after Django is set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from flows.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Widgets on other sites connect to the chat socket, so origins are not restricted here;
        # each socket authenticates itself (conversation token, or an editor's session or API token).
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
