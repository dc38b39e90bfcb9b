from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import schema  # noqa: F401  (registers the session token scheme)
from frontend.views.account import language_set, login_code_confirm

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
    path("_allauth/", include("allauth.headless.urls")),
    # The language switcher's POST: Django's set_language, remembered by the account.
    path("i18n/setlang/", language_set, name="set_language"),
]
# The pages, in each language: English without a prefix, the others under theirs
# (/fr/…); config.languages says which language an address without one is read in.
urlpatterns += i18n_patterns(
    # allauth's page, saying why it sends the visitor back when no code is waiting.
    path("accounts/login/code/confirm/", login_code_confirm),
    path("accounts/", include("allauth.urls")),
    path("", include("frontend.urls")),
    prefix_default_language=False,
)


# Under /api/ and /_allauth/ these answer JSON; elsewhere Django's pages.
handler400 = "config.errors_json.bad_request"
handler403 = "config.errors_json.permission_denied"
handler404 = "config.errors_json.page_not_found"
handler500 = "config.errors_json.server_error"
