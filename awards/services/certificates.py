"""Making the result PDFs; safe to run again: the same facts give the same file, and
no duplicate."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from awards.certificates import (
    booklet_facts,
    booklet_pdf,
    certificate_facts,
    certificate_pdf,
    champion_letter_facts,
    champion_letter_pdf,
    recipient_language,
)
from awards.models import (
    AuditAction,
    Certificate,
    CertificateKind,
    Edition,
    Project,
    ProjectStatus,
    Standing,
)
from awards.permissions import project_receives_certificates
from awards.selectors import results_are_public
from awards.services.audit import audit_record
from awards.services.publication import ResultsNotPublished
from config.errors import Conflict
from config.storage import private_storage

CERTIFICATES_NOT_YET = _("Certificates are made once the results are published.")


def _store(
    project: Project,
    kind: str,
    *,
    facts: str,
    render: Callable[[], bytes],
    at: datetime,
    force: bool,
) -> Certificate:
    """The stored document of ``kind``, made (again) only when its facts changed, its
    file is gone, or the secretariat asks (``force``)."""
    existing = Certificate.objects.select_for_update().filter(project=project, kind=kind).first()
    if existing and existing.file and existing.facts_sha256 == facts and not force:
        return existing
    content = render()
    digest = hashlib.sha256(content).hexdigest()
    if existing and existing.file and existing.sha256 == digest:
        # The same bytes: the file stays; the record says when it was last made.
        existing.facts_sha256, existing.generated_at = facts, at
        existing.save(update_fields=["facts_sha256", "generated_at"])
        return existing
    if existing and existing.file:
        existing.file.delete(save=False)
    certificate = existing or Certificate(project=project, kind=kind)
    # Named by the field (certificate_file_path): unguessable, in private storage.
    certificate.file.save(f"{kind}.pdf", ContentFile(content), save=False)
    certificate.sha256, certificate.facts_sha256, certificate.generated_at = digest, facts, at
    certificate.save()
    return certificate


@transaction.atomic
def certificates_generate(
    *, project: Project, at: datetime | None = None, force: bool = False
) -> list[Certificate]:
    """The certificate of a Winner or Champion, and a Champion's letter, in its
    submitter's language: each made again only if what it says has changed since (a
    corrected name, a new emblem, another language), or when ``force`` asks."""
    at = at or timezone.now()
    project = Project.objects.select_related(
        "edition", "category__action_line", "submitted_by"
    ).get(pk=project.pk)
    if not results_are_public(edition=project.edition):
        raise ResultsNotPublished(CERTIFICATES_NOT_YET)
    if not project_receives_certificates(project):
        raise Conflict(gettext("Only Winners and Champions receive certificates."))
    language = recipient_language(project)
    made = [
        _store(
            project,
            CertificateKind.CERTIFICATE,
            facts=certificate_facts(project, language=language),
            render=lambda: certificate_pdf(project, language=language),
            at=at,
            force=force,
        )
    ]
    standing = Standing.objects.filter(nominee=project).first()
    if standing is not None:
        made.append(
            _store(
                project,
                CertificateKind.CHAMPION_LETTER,
                facts=champion_letter_facts(project, standing, language=language),
                render=lambda: champion_letter_pdf(project, standing, language=language),
                at=at,
                force=force,
            )
        )
    return made


BOOKLETS = "booklets/{year}"


def booklet_generate(*, edition: Edition, language: str, force: bool = False) -> str:
    """The "Success Stories" booklet of an edition in ``language``; returns its name in
    private storage (served by the booklet view once the results are public). The name
    carries the digest of the booklet's facts: a booklet is made again only when what
    it says has changed (or when ``force`` asks), and the older one is removed."""
    if not results_are_public(edition=edition):
        raise ResultsNotPublished(CERTIFICATES_NOT_YET)
    projects = list(
        Project.objects.filter(
            edition=edition, status__in=[ProjectStatus.WINNER, ProjectStatus.CHAMPION]
        )
        .select_related("edition", "category__action_line")
        .prefetch_related("images")
        .order_by("category__number", "-status", "title")
    )
    facts = booklet_facts(edition, projects, language=language)
    folder = BOOKLETS.format(year=edition.year)
    prefix = f"wsis-prizes-{edition.year}-success-stories-{language}-"
    name = f"{folder}/{prefix}{facts[:16]}.pdf"
    storage = private_storage()
    if storage.exists(name) and not force:
        return name
    content = booklet_pdf(edition, projects, language=language)
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    _, files = storage.listdir(folder)
    for file in files:
        if file.startswith(prefix) and f"{folder}/{file}" != saved:
            storage.delete(f"{folder}/{file}")
    return saved


@transaction.atomic
def documents_remake(*, edition: Edition, by: User, projects: list[Project] | None = None) -> int:
    """The secretariat asks for an edition's documents to be made again, whether or not
    their facts changed: the certificates and letters of ``projects`` (of every Winner
    and Champion when None) and the booklet in every language. Returns how many
    projects' documents were made."""
    if not results_are_public(edition=edition):
        raise ResultsNotPublished(CERTIFICATES_NOT_YET)
    chosen = Project.objects.filter(
        edition=edition, status__in=[ProjectStatus.WINNER, ProjectStatus.CHAMPION]
    )
    if projects is not None:
        chosen = chosen.filter(pk__in=[project.pk for project in projects])
    made = [project.pk for project in chosen.order_by("pk")]
    documents = 0
    for project in chosen:
        documents += len(certificates_generate(project=project, force=True))
    languages = [code for code, _name in settings.LANGUAGES]
    for language in languages:
        booklet_generate(edition=edition, language=language, force=True)
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.DOCUMENTS_MADE,
        # Certificates and letters, and a booklet per language.
        details={
            "documents": documents + len(languages),
            "projects": made,
            "booklet_languages": languages,
        },
    )
    return len(made)
