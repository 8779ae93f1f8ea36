from django.urls import path
from rest_framework.routers import SimpleRouter

from flows.messaging import api as messaging_api
from flows.messaging.twilio import views as twilio_views

from . import builder, chat, hooks, inbox, intercom, teams, widget

router = SimpleRouter()
router.register("flows", builder.FlowViewSet, basename="flow")
router.register("conversations", builder.ConversationViewSet, basename="conversation")

urlpatterns = [
    path("me/", builder.MeView.as_view(), name="me"),
    path("node-types/", builder.NodeTypesView.as_view(), name="node-types"),
    path("chat/<slug:flow_slug>/conversations/", chat.StartConversationView.as_view(), name="chat-start"),
    path("chat/conversations/<uuid:conversation_id>/messages/", chat.MessagesView.as_view(), name="chat-messages"),
    path("chat/conversations/<uuid:conversation_id>/runs/<uuid:run_id>/", chat.RunReplyView.as_view(), name="chat-run"),
    path("chat/<slug:flow_slug>/widget/", widget.PublicWidgetView.as_view(), name="chat-widget"),
    path("chat/<slug:flow_slug>/widget/avatar/", widget.AvatarImageView.as_view(), name="chat-widget-avatar"),
    path("flows/<int:flow_id>/appearance/", widget.AppearanceView.as_view(), name="flow-appearance"),
    path("flows/<int:flow_id>/appearance/avatar/", widget.AvatarView.as_view(), name="flow-appearance-avatar"),
    path("inbox/conversations/", inbox.InboxListView.as_view(), name="inbox"),
    path("inbox/conversations/<uuid:conversation_id>/claim/", inbox.ClaimView.as_view(), name="inbox-claim"),
    path(
        "inbox/conversations/<uuid:conversation_id>/messages/",
        inbox.AgentMessagesView.as_view(),
        name="inbox-messages",
    ),
    path("inbox/conversations/<uuid:conversation_id>/release/", inbox.ReleaseView.as_view(), name="inbox-release"),
    path("inbox/conversations/<uuid:conversation_id>/close/", inbox.CloseView.as_view(), name="inbox-close"),
    path("teams/", teams.TeamListView.as_view(), name="teams"),
    path("hooks/<slug:flow_slug>/<slug:key>/", hooks.CatchView.as_view(), name="hook-catch"),
    path(
        "flows/<int:flow_id>/hooks/",
        hooks.FlowHooksViewSet.as_view({"get": "list", "post": "create"}),
        name="flow-hooks",
    ),
    path(
        "flows/<int:flow_id>/hooks/<int:pk>/",
        hooks.FlowHooksViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="flow-hook",
    ),
    path(
        "flows/<int:flow_id>/channels/",
        messaging_api.FlowChannelsViewSet.as_view({"get": "list", "post": "create"}),
        name="flow-channels",
    ),
    path(
        "flows/<int:flow_id>/channels/<uuid:channel_id>/",
        messaging_api.FlowChannelsViewSet.as_view({"delete": "destroy"}),
        name="flow-channel",
    ),
    path(
        "flows/<int:flow_id>/channels/<uuid:channel_id>/test/",
        messaging_api.FlowChannelsViewSet.as_view({"post": "test"}),
        name="flow-channel-test",
    ),
    path("channels/<uuid:channel_id>/twilio/", twilio_views.TwilioWebhookView.as_view(), name="channel-twilio"),
    path("intercom/<int:credential_id>/webhook/", intercom.IntercomWebhookView.as_view(), name="intercom-webhook"),
    *router.urls,
]
