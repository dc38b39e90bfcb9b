"""The platform's documents (certificates, letters, the Success Stories booklet, the
campaign poster) are HTML templates made into PDF by WeasyPrint.

WeasyPrint lays text out with Pango and HarfBuzz: Arabic is shaped, joined and set right
to left, Chinese breaks between characters, and a name in one script sits in a page in
another. The fonts are Debian's Noto (``fonts-noto-core``, ``fonts-noto-cjk``), named in
``documents/base.html``. A document is rendered in the language it is for, and the same
facts make the same bytes (no creation time, no random identifier).

Nothing is fetched while rendering: images come in the page as ``data:`` addresses, and
any other address in the text (a project's, say) is refused.
"""

import base64
import mimetypes
from collections.abc import Callable, Iterable

from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile
from weasyprint import HTML, URLFetcher

# WeasyPrint tells Pillow, for the whole process, to accept truncated images as they
# come; the uploads' check (``awards.files``) refuses them, and so does everything
# else here. The images of the documents are uploads that passed that check.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# What a one-page document may shrink to, step by step, before it keeps a second page.
ONE_PAGE_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


class DataOnlyFetcher(URLFetcher):
    """Only ``data:`` addresses: a document never reaches the network or the disk."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["data"])


def render_pdf(
    template: str,
    context: Callable[[], dict],
    *,
    language: str,
    one_page: bool = False,
) -> bytes:
    """The PDF of ``template`` in ``language``, its context made in that language. A
    ``one_page`` document shrinks its type (the ``scale`` of its template) until it
    fits on one page."""
    scales: Iterable[float] = ONE_PAGE_SCALES if one_page else (1.0,)
    with translation.override(language):
        values = context()
        for scale in scales:
            html = render_to_string(template, {**values, "scale": scale})
            document = HTML(string=html, url_fetcher=DataOnlyFetcher()).render()
            if len(document.pages) == 1:
                break
        return document.write_pdf()


def image_data_uri(file: FieldFile | None) -> str | None:
    """An uploaded image as a ``data:`` address, or None when there is none or its file
    can't be read (the document is then made without it)."""
    if not file:
        return None
    content_type = mimetypes.guess_type(file.name)[0] or ""
    if not content_type.startswith("image/"):
        return None
    try:
        with file.open("rb") as opened:
            data = opened.read()
    except (OSError, ValueError):
        return None
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
