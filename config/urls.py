import sys

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config import schema  # noqa: F401  (registers the session token scheme)
from config.faults import is_unavailable, unavailable_response

# Patterns are tried in order: the ballot, which takes the voting rush, comes first.
api_v1 = [
    path("", include("voting.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("awards.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("frontend.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def handler404(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_unavailable(sys.exc_info()[1]):  # raised by a middleware, not a view
        return unavailable_response(request)
    if _is_api(request):
        return JsonResponse(
            {"detail": "The server could not answer this request.", "code": "server_error"},
            status=500,
        )
    return defaults.server_error(request)
