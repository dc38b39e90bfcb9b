from typing import Any

from django.conf import settings
from django.http import HttpRequest

from frontend.current import current_edition
from frontend.viewer import viewer


def site(request: HttpRequest) -> dict[str, Any]:
    # Both objects cost nothing until a template reads them: pages without the header
    # run no query for them.
    return {
        "site_name": settings.SITE_NAME,
        "current_edition": current_edition(request),
        "viewer": viewer(request),
    }
