"""The public pages of the nominees: a category's gallery and a nominee's page.

Only accepted projects are shown, with their public fields: never the submitter's
contact data, and never the outcome (champions and winners are shown as nominees, as
the API shows them, until the results are published).
"""

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_countries import countries

from awards.filters import SEARCH_MAX_LENGTH, NomineeFilter
from awards.models import Project, ProjectStatus
from awards.selectors import (
    category_get_or_404,
    nominee_cards,
    nominee_country_codes,
    nominee_get,
    nominees_in_voter_order,
    nominees_search,
    results_are_public,
    voter_order_applies,
)
from frontend.current import current_edition, edition_or_404
from voting.permissions import voting_is_open
from voting.selectors import vote_nominee

NOMINEES_PER_PAGE = 24


class GalleryFilter(NomineeFilter):
    """The filters of a category page: the shared nominee filters (the category comes
    from the address), a search box, and only the countries that have nominees there."""

    search = django_filters.CharFilter(
        method="search_text",
        label=_("Search"),
        help_text=_("Words from the title, the organisation or the description."),
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput,
    )
    # Once the results are published: the category's Winner, or its Champions.
    outcome = django_filters.ChoiceFilter(
        method="outcome_of",
        label=_("Outcome"),
        choices=[
            ("champions", _("Champions (the Winner among them)")),
            ("winner", _("Winner")),
        ],
        empty_label=_("All nominees"),
    )

    def __init__(
        self,
        data: QueryDict,
        *,
        queryset: QuerySet[Project],
        countries_shown: list[tuple[str, str]],
        outcome_public: bool = False,
    ) -> None:
        super().__init__(data, queryset=queryset)
        del self.filters["category"]
        if not outcome_public:  # under embargo: not even a filter that would tell
            del self.filters["outcome"]
        # Change the form's own fields, not the filters': a filter builds its field
        # once and may have done so already (the API schema reads the shared ones).
        fields = self.form.fields
        fields["country"].choices = countries_shown
        fields["country"].help_text = ""
        for name, label in (
            ("region", gettext("All regions")),
            ("stakeholder_type", gettext("All stakeholder types")),
            ("country", gettext("All countries")),
        ):
            fields[name].empty_label = label
            # Set the choices again, so that the widget lists them under this label.
            fields[name].choices = fields[name].choices.choices

    def search_text(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return nominees_search(queryset, value)

    def outcome_of(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        if value == "winner":
            return queryset.filter(status=ProjectStatus.WINNER)
        return queryset.filter(status__in=(ProjectStatus.CHAMPION, ProjectStatus.WINNER))


def _countries_of(nominees: QuerySet[Project]) -> list[tuple[str, str]]:
    codes = nominee_country_codes(nominees)
    return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])


def _page_of(nominees: QuerySet[Project], number: str | None) -> Page:
    # get_page, not page: a page number out of range or not a number shows the nearest
    # page rather than an error.
    return Paginator(nominees, NOMINEES_PER_PAGE).get_page(number)


@require_safe
def category(request: HttpRequest, year: int, number: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    category = category_get_or_404(edition=edition, number=number)
    nominees = nominee_cards(edition=edition, category=category)
    at = current_edition(request).at
    outcome_public = results_are_public(edition=edition, at=at)
    filters = GalleryFilter(
        request.GET,
        queryset=nominees,
        countries_shown=_countries_of(nominees),
        outcome_public=outcome_public,
    )
    voter = request.user if request.user.is_authenticated else None
    ordered = nominees_in_voter_order(filters.qs, edition=edition, voter=voter, at=at)
    return render(
        request,
        "frontend/nominees/category.html",
        {
            "edition": edition,
            "category": category,
            "filters": filters,
            "filtered": any(filters.form.data.get(name) for name in filters.filters),
            "page_obj": _page_of(ordered, request.GET.get("page")),
            "voter_order": voter_order_applies(edition=edition, voter=voter, at=at),
            "voting_open": voting_is_open(edition, at=at),
            "outcome_public": outcome_public,
        },
    )


@require_safe
def nominee(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    project = nominee_get(edition=edition, pk=pk)
    if project is None:
        raise Http404(gettext("There is no such nominee in this edition."))
    at = current_edition(request).at
    voting_open = voting_is_open(edition, at=at)
    return render(
        request,
        "frontend/nominees/nominee.html",
        {
            "edition": edition,
            "nominee": project,
            "voting_open": voting_open,
            # A voter who voted for it reads so, rather than an offer to vote for it.
            "is_my_vote": voting_open
            and request.user.is_authenticated
            and vote_nominee(category=project.category_id, voter=request.user) == project.pk,
            "outcome_public": results_are_public(edition=edition, at=at),
        },
    )
