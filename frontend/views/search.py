"""The search of an edition's nominees across all its categories.

It shows what the galleries show (accepted projects with their public fields, never
the outcome), each with its category, in the order the galleries use.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from awards.filters import NomineeSearchFilter
from awards.selectors import nominee_cards, nominees_in_voter_order, voter_order_applies
from frontend.current import current_edition, edition_or_404
from frontend.views.nominees import NOMINEES_PER_PAGE


@require_safe
def search(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    filters = NomineeSearchFilter(request.GET, queryset=nominee_cards(edition=edition))
    valid = filters.is_valid()
    query = filters.form.cleaned_data.get("q", "").strip() if valid else ""
    page_obj = None
    voter = request.user if request.user.is_authenticated else None
    at = current_edition(request).at
    if query:
        ordered = nominees_in_voter_order(filters.qs, edition=edition, voter=voter, at=at)
        # get_page: a page number out of range or not a number shows the nearest page.
        page_obj = Paginator(ordered, NOMINEES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/nominees/search.html",
        {
            "edition": edition,
            "form": filters.form,
            "query": query,
            "page_obj": page_obj,
            "voter_order": page_obj is not None
            and voter_order_applies(edition=edition, voter=voter, at=at),
        },
        # A query that cannot be searched (too long, a NUL character) is the asker's error.
        status=200 if valid else 400,
    )
