"""Downloads of the result PDFs: a project's certificates for its submitter (and the
secretariat), the Success Stories booklet for everyone; nothing before publication."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from awards.models import CertificateKind
from awards.permissions import can_download_certificates
from awards.selectors import edition_get_or_404, project_get, results_are_public
from awards.services.certificates import booklet_generate, certificates_generate
from config.storage import private_storage


@login_required
@require_safe
def certificate(request: HttpRequest, year: int, pk: int, kind: str) -> FileResponse:
    project = project_get(year=year, pk=pk)
    if project is None or kind not in CertificateKind.values:
        raise Http404
    if not can_download_certificates(request.user, project):
        raise Http404
    # Made by the Celery task at publication; made (again) here if the task has not
    # run yet or the facts on them changed since (a corrected name, another language).
    found = {c.kind: c for c in certificates_generate(project=project)}
    if kind not in found:
        raise Http404
    return FileResponse(
        found[kind].file.open("rb"),
        as_attachment=True,
        filename=f"wsis-prizes-{year}-{project.pk}-{kind}.pdf",
        content_type="application/pdf",
    )


@require_safe
def booklet(request: HttpRequest, year: int) -> FileResponse:
    edition = edition_get_or_404(year=year)
    if not results_are_public(edition=edition):
        raise Http404
    # In the visitor's language, as it stands (made now if the task has not made it
    # yet, or again if its facts changed since).
    language = get_language()
    name = booklet_generate(edition=edition, language=language)
    return FileResponse(
        private_storage().open(name, "rb"),
        as_attachment=True,
        filename=f"wsis-prizes-{year}-success-stories-{language}.pdf",
        content_type="application/pdf",
    )
