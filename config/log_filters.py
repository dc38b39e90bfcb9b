"""Filters of the site's log."""

import logging

# Where django-allauth's headless API answers (config/urls.py).
HEADLESS_PREFIX = "/_allauth/"


class HeadlessFlowStates(logging.Filter):
    """Leaves out Django's warning for each 401 of django-allauth's headless API.

    That API answers 401 to say "not logged in yet, these are the next steps": after a
    sign-up by e-mail code, while a log-in waits for its code, when an app asks about
    its session. Those are normal answers, one or more per new voter in a rush, and
    logged as warnings they would bury the ones that matter. Its other refusals (400,
    403, 409, 410, 429) are still logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not (
            getattr(record, "status_code", None) == 401
            and request is not None
            and request.path.startswith(HEADLESS_PREFIX)
        )
