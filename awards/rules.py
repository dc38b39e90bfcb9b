"""The rules a project must meet to be submitted (DESIGN.md, phase 1), checked all at
once so that the submitter sees every problem, each on its field."""

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext, gettext_noop, ngettext

from awards.models import Project, ProjectStage, ProjectStatus
from awards.selectors import winner_is_public
from awards.translations import (
    language_name,
    translation_field,
    translation_fields,
    translation_languages,
)

SHORT_DESCRIPTION_MIN_WORDS = 150
SHORT_DESCRIPTION_MAX_WORDS = 200

REQUIRED_FIELDS = (
    "title",
    "organisation_name",
    "stakeholder_type",
    "country",
    "region",
    "short_description",
    "linkage",
    "impact",
    "partnerships",
    "challenges",
    "outlook",
    "stage",
)
# Marked here, translated where it is used: the constant stays the English text.
REQUIRED = gettext_noop("This is needed to submit the project.")


def word_count(text: str) -> int:
    """Words are what whitespace separates (frontend/static/frontend/word-count.js
    counts them the same way as the submitter types)."""
    return len(text.split())


def normalised(text: str) -> str:
    """How names and titles are compared: ignoring case and surrounding spaces, as the
    database's unique indexes do."""
    return text.strip().lower()


def _same(queryset: QuerySet[Project], **values: str) -> QuerySet[Project]:
    keys = {f"{field}_key": Lower(Trim(field)) for field in values}
    return queryset.annotate(**keys).filter(
        **{f"{field}_key": normalised(value) for field, value in values.items()}
    )


def submission_problems_with(
    project: Project, *, data: Mapping[str, Any], sdgs: Iterable[int] | None = None
) -> dict[str, list[str]]:
    """Every rule ``project`` would fail with the values of ``data`` (and the goals
    ``sdgs``, if given) in place of its own; nothing is saved. A refused form shows the
    rules its other fields fail, as a submission would."""
    draft = copy.copy(project)
    draft.i18n = dict(project.i18n or {})  # its own, not the project's
    translations = set(translation_fields())
    for field, value in data.items():
        value = value.strip() if isinstance(value, str) else value
        setattr(draft, field, (value or None) if field in translations else value)
    return submission_problems(draft, sdgs=sdgs)


def submission_problems(
    project: Project, *, sdgs: Iterable[int] | None = None
) -> dict[str, list[str]]:
    """Every rule ``project`` fails, by field; empty when it may be submitted. ``sdgs``
    stands for the project's goals when given."""
    problems: dict[str, list[str]] = defaultdict(list)
    for field in REQUIRED_FIELDS:
        if not str(getattr(project, field) or "").strip():
            problems[field].append(gettext(REQUIRED))
    if not (list(sdgs) if sdgs is not None else project.sdgs.exists()):
        problems["sdgs"].append(
            gettext("Link the project to at least one Sustainable Development Goal.")
        )

    words = word_count(project.short_description)
    if words and not SHORT_DESCRIPTION_MIN_WORDS <= words <= SHORT_DESCRIPTION_MAX_WORDS:
        problems["short_description"].append(
            ngettext(
                "The short description has %(words)d word: it needs %(min)d to %(max)d.",
                "The short description has %(words)d words: it needs %(min)d to %(max)d.",
                words,
            )
            % {
                "words": words,
                "min": SHORT_DESCRIPTION_MIN_WORDS,
                "max": SHORT_DESCRIPTION_MAX_WORDS,
            }
        )
    # The limit holds for each language's version, as for the original.
    for language in translation_languages():
        field = translation_field("short_description", language)
        words = word_count(getattr(project, field) or "")
        if words and not SHORT_DESCRIPTION_MIN_WORDS <= words <= SHORT_DESCRIPTION_MAX_WORDS:
            problems[field].append(
                ngettext(
                    "The short description in %(language)s has %(words)d word: it needs "
                    "%(min)d to %(max)d.",
                    "The short description in %(language)s has %(words)d words: it needs "
                    "%(min)d to %(max)d.",
                    words,
                )
                % {
                    "language": language_name(language),
                    "words": words,
                    "min": SHORT_DESCRIPTION_MIN_WORDS,
                    "max": SHORT_DESCRIPTION_MAX_WORDS,
                }
            )
    if project.stage == ProjectStage.IN_DEVELOPMENT:
        problems["stage"].append(
            gettext(
                "Only projects that are operational or at the end of a major phase are eligible."
            )
        )

    others = Project.objects.exclude(pk=project.pk).exclude(status=ProjectStatus.DRAFT)
    organisation = project.organisation_name.strip()
    title = project.title.strip()
    if (
        organisation
        and _same(
            others.filter(edition_id=project.edition_id, category_id=project.category_id),
            organisation_name=organisation,
        ).exists()
    ):
        problems["organisation_name"].append(
            gettext(
                "%(organisation)s already has a project in this category: an organisation "
                "may submit one project per category."
            )
            % {"organisation": organisation}
        )
    if organisation and title:
        if _same(
            others.filter(edition_id=project.edition_id),
            organisation_name=organisation,
            title=title,
        ).exists():
            problems["title"].append(
                gettext(
                    "This project has already been submitted to this edition by the same "
                    "organisation."
                )
            )
        past_wins = _same(
            Project.objects.filter(
                status=ProjectStatus.WINNER, edition__year__lt=project.edition.year
            ),
            organisation_name=organisation,
            title=title,
        ).select_related("edition", "category")
        # Only a win anyone may know of: a refusal naming a win still under embargo
        # would tell it to whoever tries the title (the secretariat can still reject
        # the project at nomination).
        past_win = next((win for win in past_wins if winner_is_public(project=win)), None)
        if past_win:
            problems["title"].append(
                gettext(
                    "This project won a WSIS Prize in %(year)s: previous winners are not eligible."
                )
                % {"year": past_win.edition.year}
            )
    return dict(problems)
