"""Filters of project lists, shared by the pages and the API (django-filter)."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import StakeholderType
from awards.models import Project, ProjectStatus, Region
from awards.selectors import nominees_search


class WholeNumberFilter(django_filters.NumberFilter):
    """A number without decimals: django-filter's takes 1.5 and finds category 1."""

    field_class = forms.IntegerField


def _countries() -> list[tuple[str, str]]:
    """Every country, by its name in the active language."""
    return list(countries)


def _search(queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
    """The search box of every list of projects (django-filter's ``method``)."""
    return nominees_search(queryset, value)


class _ProjectFilter(django_filters.FilterSet):
    category = WholeNumberFilter(
        field_name="category__number", label=_("Category"), help_text=_("The category's number.")
    )
    region = django_filters.ChoiceFilter(choices=Region.choices, label=_("ITU region"))
    stakeholder_type = django_filters.ChoiceFilter(
        choices=StakeholderType.choices, label=_("Stakeholder type")
    )
    # Lazy: the names are read in the reader's language when the list is shown (not in
    # the language of the process's start), and each request's form copies a reference
    # instead of about 250 choices (a sixth of a gallery's CPU). The API schema still
    # lists the codes.
    country = django_filters.ChoiceFilter(
        choices=lazy(_countries, list)(),
        label=_("Country"),
        help_text=_("An ISO 3166 country code."),
    )

    class Meta:
        model = Project
        fields = ["category", "region", "stakeholder_type", "country"]


class NomineeFilter(_ProjectFilter):
    pass


# Longer than any title or name worth typing; a longer query is refused, not searched.
SEARCH_MAX_LENGTH = 200


class NomineeSearchFilter(django_filters.FilterSet):
    """The search of an edition's nominees across all its categories: one box."""

    q = django_filters.CharFilter(
        method=_search,
        label=_("Search the nominees"),
        help_text=_("Words from the title, the organisation or the description."),
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.SearchInput,
    )


class NomineeApiFilter(NomineeFilter):
    """The nominees API's filters, with its search: read as a form reads it, so that a
    search no database could read (a null character) or longer than any title is
    refused (400), not sent to PostgreSQL."""

    search = django_filters.CharFilter(
        method=_search,
        label=_("Search"),
        help_text=_("Words to find in title, organisation and short description."),
        max_length=SEARCH_MAX_LENGTH,
    )

    class Meta(NomineeFilter.Meta):
        fields = [*NomineeFilter.Meta.fields, "search"]


class SubmissionFilter(_ProjectFilter):
    """The secretariat's nomination queue: every submission (no drafts), any status."""

    status = django_filters.ChoiceFilter(
        choices=[c for c in ProjectStatus.choices if c[0] != ProjectStatus.DRAFT]
    )
    search = django_filters.CharFilter(method=_search, label=_("Search"))

    class Meta(_ProjectFilter.Meta):
        fields = [*_ProjectFilter.Meta.fields, "status", "search"]
