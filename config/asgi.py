"""ASGI entry point: HTTP through Django's WSGI handler in threads (config/http.py), WebSockets through Channels."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_wsgi_app = get_wsgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (after Django is set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from config.http import WSGIInThreads  # noqa: E402
from flows.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": WSGIInThreads(django_wsgi_app, threads=settings.HTTP_THREADS, max_body=settings.HTTP_MAX_BODY),
        # Widgets on other sites connect to the chat socket, so origins are not restricted here;
        # each socket authenticates itself (conversation token, or an editor's session or API token).
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
