"""The projects' logos, images and PDFs (MEDIA_URL), in production as in development:
each file only to those who may see its project, with cache headers to match."""

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from awards.media import project_file_get
from awards.permissions import can_see_project_files, project_files_are_public

CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
# A stored file never changes under its name (a new upload gets a new name): a public
# one may be kept a day by browsers and shared caches alike.
PUBLIC_MAX_AGE = 24 * 60 * 60


@require_safe
def project_file(request: HttpRequest, name: str) -> FileResponse:
    extension = name.rsplit(".", 1)[-1]
    found = project_file_get(name=name) if extension in CONTENT_TYPES else None
    if found is None or not can_see_project_files(request.user, found.project):
        raise Http404
    etag = quote_etag(name.rsplit("/", 1)[-1])
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        try:
            handle = found.file.storage.open(found.file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        # A PDF is downloaded rather than shown inside the site.
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[extension],
            as_attachment=extension == "pdf",
            filename=f"{slugify(found.project.title)[:80] or 'project'}.pdf"
            if extension == "pdf"
            else "",
        )
    else:
        response = not_modified
    response["ETag"] = etag
    if project_files_are_public(found.project):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        # Its submitter's and the secretariat's only: no shared cache keeps it, and a
        # browser asks again (an unchanged file answers 304).
        patch_cache_control(response, private=True, no_cache=True)
    return response
