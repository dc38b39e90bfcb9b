"""Edition set-up: the timeline and the standard categories."""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction

from awards.models import ActionLine, Category, Edition
from awards.phases import PHASE_ORDER, closes_field, opens_field


@transaction.atomic
def edition_timeline_set(*, edition: Edition, times: Mapping[str, datetime]) -> Edition:
    """Set the opening and closing times of an edition's phases.

    ``times`` maps edition timeline fields (``voting_opens_at``...) to moments; a
    timeline out of order or with overlapping phases is refused with a ValidationError
    naming the field.
    """
    known = {opens_field(p) for p in PHASE_ORDER} | {closes_field(p) for p in PHASE_ORDER}
    unknown = set(times) - known
    if unknown:
        raise ValueError(f"Not timeline fields: {', '.join(sorted(unknown))}")
    for field, moment in times.items():
        setattr(edition, field, moment)
    edition.full_clean()
    edition.save()
    return edition


# The 18 standard prize categories, numbered as ITU numbers them, by Action Line code.
STANDARD_CATEGORIES: tuple[str, ...] = (
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "C7.1",
    "C7.2",
    "C7.3",
    "C7.4",
    "C7.5",
    "C7.6",
    "C7.7",
    "C7.8",
    "C8",
    "C9",
    "C10",
    "C11",
)


@transaction.atomic
def edition_categories_create_standard(*, edition: Edition) -> list[Category]:
    """Give an edition the 18 standard categories (1-6 = C1-C6, 7-14 = the C7
    sub-lines, 15-18 = C8-C11), titled after their Action Line. Categories the edition
    already has keep their titles; running it again creates nothing new."""
    lines = {line.code: line for line in ActionLine.objects.filter(code__in=STANDARD_CATEGORIES)}
    categories = []
    for number, code in enumerate(STANDARD_CATEGORIES, start=1):
        line = lines[code]
        category, _ = Category.objects.get_or_create(
            edition=edition, number=number, defaults={"title": line.title, "action_line": line}
        )
        categories.append(category)
    return categories
