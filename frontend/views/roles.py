"""The pages of the two roles: the secretariat's dashboard and the Expert Group's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import secretariat_required
from awards.selectors import edition_status_counts
from frontend.current import current_edition
from frontend.views import jury as jury_pages


@secretariat_required
def secretariat(request: HttpRequest) -> HttpResponse:
    edition = current_edition(request).edition
    counts = edition_status_counts(edition=edition) if edition else []
    return render(
        request,
        "frontend/secretariat.html",
        {
            "edition": edition,
            "counts": counts,
            "total": sum(row.count for row in counts),
        },
    )


# The Expert Group's page lives with the other jury pages.
jury = jury_pages.jury_home
