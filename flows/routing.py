from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/chat/conversations/<uuid:conversation_id>/", consumers.ChatConsumer.as_asgi()),
    path("ws/flows/<int:flow_id>/traces/", consumers.TraceConsumer.as_asgi()),
    path("ws/inbox/", consumers.InboxConsumer.as_asgi()),
]
