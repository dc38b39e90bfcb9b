from typing import Any

from django.conf import settings
from django.http import HttpRequest

from frontend.current import current_edition


def site(request: HttpRequest) -> dict[str, Any]:
    # current_edition costs nothing until a template reads it: pages without the
    # header run no query for it.
    return {"site_name": settings.SITE_NAME, "current_edition": current_edition(request)}
