"""The pages of the two roles: the secretariat's dashboard and the Expert Group's page."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import jury_required, secretariat_required
from awards.models import Edition, Project, ProjectStatus
from frontend.current import current_edition


@dataclass(frozen=True)
class StatusCount:
    status: ProjectStatus
    count: int


def project_counts_by_status(*, edition: Edition) -> list[StatusCount]:
    """Every status of the project state machine, in its order, with how many of the
    edition's projects are in it (zeros included), in one aggregate query."""
    totals = Project.objects.filter(edition=edition).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in ProjectStatus}
    )
    return [StatusCount(status=status, count=totals[status.value]) for status in ProjectStatus]


@secretariat_required
def secretariat(request: HttpRequest) -> HttpResponse:
    edition = current_edition(request).edition
    counts = project_counts_by_status(edition=edition) if edition else []
    return render(
        request,
        "frontend/secretariat.html",
        {
            "edition": edition,
            "counts": counts,
            "total": sum(row.count for row in counts),
        },
    )


@jury_required
def jury(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/jury.html")
