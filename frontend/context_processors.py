from typing import Any

from django.conf import settings
from django.http import HttpRequest

from config.languages import site_name
from frontend.current import current_edition
from frontend.viewer import viewer


def site(request: HttpRequest) -> dict[str, Any]:
    # Both objects cost nothing until a template reads them: pages without the header
    # run no query for them.
    return {
        "site_name": site_name(),
        "current_edition": current_edition(request),
        "viewer": viewer(request),
        # How long a login code lasts, as the pages and e-mails that give one say.
        "login_code_minutes": settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60,
        "login_code_attempts": settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS,
    }
