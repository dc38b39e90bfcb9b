from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import schema  # noqa: F401  (registers the session token scheme)
from frontend.views.account import login_code_confirm

# Patterns are tried in order: the ballot, which takes the voting rush, comes first.
api_v1 = [
    path("", include("voting.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("awards.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, as the Content-Security-Policy wants.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="frontend/api_docs.html"
        ),
        name="docs",
    ),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
    # allauth's page, saying why it sends the visitor back when no code is waiting.
    path("accounts/login/code/confirm/", login_code_confirm),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("frontend.urls")),
]


# Under /api/ and /_allauth/ these answer JSON; elsewhere Django's pages.
handler400 = "config.errors_json.bad_request"
handler403 = "config.errors_json.permission_denied"
handler404 = "config.errors_json.page_not_found"
handler500 = "config.errors_json.server_error"
