"""Chat API throttles on the Redis cache: per client address, and per conversation."""

from rest_framework.throttling import SimpleRateThrottle


class ChatIPThrottle(SimpleRateThrottle):
    scope = "chat_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ChatStartIPThrottle(ChatIPThrottle):
    scope = "chat_start_ip"


class ChatConversationThrottle(SimpleRateThrottle):
    scope = "chat_conversation"

    def get_cache_key(self, request, view):
        conversation_id = view.kwargs.get("conversation_id")
        if conversation_id is None or request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": str(conversation_id)}
