"""Making the result PDFs; safe to run again: the same facts give the same file, and
no duplicate."""

import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards.certificates import (
    booklet_pdf,
    certificate_pdf,
    champion_letter_pdf,
    recipient_language,
)
from awards.models import (
    Certificate,
    CertificateKind,
    Edition,
    Project,
    ProjectStatus,
    Standing,
)
from awards.permissions import project_receives_certificates
from awards.selectors import results_are_public
from awards.services.publication import ResultsNotPublished
from config.errors import Conflict
from config.storage import private_storage

CERTIFICATES_NOT_YET = _("Certificates are made once the results are published.")


def _store(project: Project, kind: str, content: bytes, at: datetime) -> Certificate:
    digest = hashlib.sha256(content).hexdigest()
    existing = Certificate.objects.select_for_update().filter(project=project, kind=kind).first()
    if existing and existing.sha256 == digest and existing.file:
        return existing
    if existing and existing.file:
        existing.file.delete(save=False)
    certificate = existing or Certificate(project=project, kind=kind)
    # Named by the field (certificate_file_path): unguessable, in private storage.
    certificate.file.save(f"{kind}.pdf", ContentFile(content), save=False)
    certificate.sha256, certificate.generated_at = digest, at
    certificate.save()
    return certificate


@transaction.atomic
def certificates_generate(*, project: Project, at: datetime | None = None) -> list[Certificate]:
    """The certificate of a Winner or Champion, and a Champion's letter."""
    at = at or timezone.now()
    project = Project.objects.select_related(
        "edition", "category__action_line", "submitted_by"
    ).get(pk=project.pk)
    if not results_are_public(edition=project.edition):
        raise ResultsNotPublished(CERTIFICATES_NOT_YET)
    if not project_receives_certificates(project):
        raise Conflict(gettext("Only Winners and Champions receive certificates."))
    language = recipient_language(project)
    certificate = certificate_pdf(project, language=language)
    made = [_store(project, CertificateKind.CERTIFICATE, certificate, at)]
    standing = Standing.objects.filter(nominee=project).first()
    if standing is not None:
        letter = champion_letter_pdf(project, standing, language=language)
        made.append(_store(project, CertificateKind.CHAMPION_LETTER, letter, at))
    return made


def booklet_name(edition: Edition, language: str) -> str:
    return f"booklets/{edition.year}/wsis-prizes-{edition.year}-success-stories-{language}.pdf"


def booklet_generate(*, edition: Edition, language: str) -> str:
    """The "Success Stories" booklet of an edition in ``language``; returns its name in
    private storage (served by the booklet view once the results are public)."""
    if not results_are_public(edition=edition):
        raise ResultsNotPublished(CERTIFICATES_NOT_YET)
    projects = list(
        Project.objects.filter(
            edition=edition, status__in=[ProjectStatus.WINNER, ProjectStatus.CHAMPION]
        )
        .select_related("edition", "category__action_line")
        .order_by("category__number", "-status", "title")
    )
    content = booklet_pdf(edition, projects, language=language)
    name = booklet_name(edition, language)
    storage = private_storage()
    if storage.exists(name):
        with storage.open(name, "rb") as existing:
            if existing.read() == content:
                return name
        storage.delete(name)
    return storage.save(name, ContentFile(content))
