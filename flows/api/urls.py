from django.urls import path
from rest_framework.routers import SimpleRouter

from . import builder, chat

router = SimpleRouter()
router.register("flows", builder.FlowViewSet, basename="flow")
router.register("conversations", builder.ConversationViewSet, basename="conversation")

urlpatterns = [
    path("node-types/", builder.NodeTypesView.as_view(), name="node-types"),
    path("chat/<slug:flow_slug>/conversations/", chat.StartConversationView.as_view(), name="chat-start"),
    path("chat/conversations/<uuid:conversation_id>/messages/", chat.MessagesView.as_view(), name="chat-messages"),
    path("chat/conversations/<uuid:conversation_id>/runs/<uuid:run_id>/", chat.RunReplyView.as_view(), name="chat-run"),
    *router.urls,
]
