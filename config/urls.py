from django.contrib import admin
from django.urls import include, path
from django.views.defaults import page_not_found, server_error
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from flows import builder_views, widget_views
from integrations.api import CredentialListView
from integrations.email_api import EmailBatchView
from integrations.template_api import IntegrationTemplateListView

from .health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/credentials/", CredentialListView.as_view(), name="credentials"),
    path("api/v1/integration-templates/", IntegrationTemplateListView.as_view(), name="integration-templates"),
    path("api/v1/email-batches/<int:pk>/", EmailBatchView.as_view(), name="email-batch"),
    path("api/v1/", include("flows.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("login/", builder_views.BuilderLoginView.as_view(), name="login"),
    path("logout/", builder_views.logout_view, name="logout"),
    path("builder/", builder_views.flow_list, name="builder"),
    path("builder/flows/<int:flow_id>/", builder_views.flow_editor, name="builder-flow"),
    path("builder/inbox/", builder_views.inbox, name="builder-inbox"),
    path("favicon.ico", builder_views.favicon),
    path("widget.js", widget_views.loader, name="widget-loader"),
    path("c/<slug:slug>/", widget_views.hosted, name="widget-hosted"),
    path("", RedirectView.as_view(pattern_name="builder", permanent=False)),
]


def _api_aware(default):
    """JSON errors under /api/ (clients parse them), Django's pages elsewhere."""
    from django.http import JsonResponse

    def handler(request, *args, **kwargs):
        if request.path.startswith("/api/"):
            code = 404 if default is page_not_found else 500
            message = "No such API endpoint." if code == 404 else "Internal error; it has been logged."
            return JsonResponse(
                {"error": {"code": "not_found" if code == 404 else "server_error", "message": message}}, status=code
            )
        return default(request, *args, **kwargs)

    return handler


handler404 = _api_aware(page_not_found)
handler500 = _api_aware(server_error)
