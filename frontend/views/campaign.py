"""A nominee's campaign: its short share link, the QR code of that link, and the
"Vote for us" poster its submitter prints.

The share link names the project alone (``/n/<id>/``), so that it outlives the
addresses of the edition's pages; it leads only to public nominees, as the nominee's
page does, and says nothing about a project that is not one.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from awards.campaign import campaign_poster_pdf, share_qr_png, share_qr_svg
from awards.models import Project
from awards.permissions import can_download_campaign_poster
from awards.selectors import nominee_get_any_edition

# A QR code only encodes the share link, which never changes: shared caches may keep it.
QR_MAX_AGE = 60 * 60 * 24
QR_FORMATS = {
    "svg": (share_qr_svg, "image/svg+xml"),
    "png": (share_qr_png, "image/png"),
}


def share_url(request: HttpRequest, project: Project) -> str:
    """The absolute share link of a nominee, as this request's site names it."""
    return request.build_absolute_uri(reverse("frontend:share", args=[project.pk]))


def _public_nominee(pk: int) -> Project:
    nominee = nominee_get_any_edition(pk=pk)
    if nominee is None:
        raise Http404(_("There is no such nominee."))
    return nominee


@require_safe
def share(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    """The share link: on to the nominee's page in its edition (a temporary redirect,
    so that a change of those addresses takes effect at once)."""
    nominee = _public_nominee(pk)
    return HttpResponseRedirect(reverse("frontend:nominee", args=[nominee.edition.year, pk]))


@require_safe
@cache_control(public=True, max_age=QR_MAX_AGE)
def share_qr(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in QR_FORMATS:
        raise Http404(_("There is no QR code in this format."))
    nominee = _public_nominee(pk)
    draw, content_type = QR_FORMATS[kind]
    return HttpResponse(draw(share_url(request, nominee)), content_type=content_type)


@login_required
@require_safe
@never_cache
def poster(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    project = _public_nominee(pk)
    if project.edition.year != year:
        raise Http404(_("There is no such nominee."))
    if not can_download_campaign_poster(request.user, project):
        raise PermissionDenied(
            _("Only the project's submitter and the secretariat may download its poster.")
        )
    pdf = campaign_poster_pdf(
        project, share_url=share_url(request, project), language=get_language()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="wsis-prizes-{year}-{pk}-vote-for-us.pdf"'
    )
    return response
