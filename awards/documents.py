"""The platform's documents (certificates, letters, the Success Stories booklet, the
campaign poster) are HTML templates made into PDF by WeasyPrint.

WeasyPrint lays text out with Pango and HarfBuzz: Arabic is shaped, joined and set right
to left, Chinese breaks between characters, and a name in one script sits in a page in
another. The fonts are Debian's Noto (``fonts-noto-core``, ``fonts-noto-cjk``), named in
``documents/base.html``. A document is rendered in the language it is for, and the same
facts make the same bytes (no creation time, no random identifier).

The facts of a document are its HTML with each image named by its stored file (whose
name changes with its content): their digest tells, without making the PDF, whether a
stored document still says what it should.

Nothing is fetched while rendering: images come in the page as ``data:`` addresses, and
any other address in the text (a project's, say) is refused.
"""

import base64
import hashlib
import importlib.metadata
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from types import ModuleType
from typing import TYPE_CHECKING

from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile

if TYPE_CHECKING:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

# The smallest a one-page document's type may shrink to (a share of its size) before it
# keeps a second page.
SMALLEST_SCALE = 0.5

_weasyprint_lock = threading.Lock()


@cache
def _weasyprint() -> ModuleType:
    """WeasyPrint, imported with the first document a process lays out: its import
    loads Pango, HarfBuzz and fontconfig, about a second that every process paid at
    start otherwise (each ``manage.py`` command, each gunicorn and Celery worker, the
    admin importing this module), most of them never making a document."""
    with _weasyprint_lock:
        import weasyprint

        # WeasyPrint tells Pillow, for the whole process, to accept truncated images as
        # they come; the uploads' check (``awards.files``) refuses them, and so does
        # everything else here. The images of the documents are uploads that passed
        # that check.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        return weasyprint


@cache
def _renderer_version() -> str:
    # The installed distribution's version, which is WeasyPrint's ``__version__``,
    # read without importing it: the facts are made where no document is.
    return importlib.metadata.version("weasyprint")


# Each thread's fonts, made once: WeasyPrint makes a new FontConfiguration (the
# system's fonts loaded, each face opened again) for every document it is given none,
# about a third of a certificate's time. The documents add no ``@font-face`` of their
# own, so one serves them all, with the same bytes. Pango's font maps are not for use
# by two threads at once, hence one per thread.
_fonts = threading.local()


def _font_config() -> "FontConfiguration":
    config = getattr(_fonts, "config", None)
    if config is None:
        _weasyprint()  # first, for what its import changes in Pillow
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def _data_only_fetcher() -> "weasyprint.URLFetcher":
    """Only ``data:`` addresses: a document never reaches the network or the disk."""
    return _weasyprint().URLFetcher(allowed_protocols=["data"])


@dataclass(frozen=True)
class EmbeddedImage:
    """An uploaded image for a document: its stored name for the facts, its bytes as a
    ``data:`` address for the PDF (``documents/image.html``)."""

    file: FieldFile

    @property
    def name(self) -> str:
        return self.file.name

    @cached_property
    def data_uri(self) -> str:
        content_type = mimetypes.guess_type(self.file.name)[0] or "image/png"
        try:
            with self.file.open("rb") as opened:
                data = opened.read()
        except (OSError, ValueError):
            return ""  # a file gone missing leaves the document without its image
        return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def embedded(file: FieldFile | None) -> EmbeddedImage | None:
    """The image of ``file``, or None when there is none or it is not an image."""
    if not file or not (mimetypes.guess_type(file.name)[0] or "").startswith("image/"):
        return None
    return EmbeddedImage(file)


def _html(template: str, values: dict, *, scale: float, images_inline: bool) -> str:
    return render_to_string(template, {**values, "scale": scale, "images_inline": images_inline})


def document_facts(template: str, context: Callable[[], dict], *, language: str) -> str:
    """The digest of what the document says (its text, its images by name, its layout
    and the renderer's version), made in milliseconds, without the PDF."""
    with translation.override(language):
        html = _html(template, context(), scale=1.0, images_inline=False)
    return hashlib.sha256(f"{_renderer_version()}\n{html}".encode()).hexdigest()


def _overflow(document: "weasyprint.Document") -> float:
    """How many times the height of a page the content takes: 1 or less when it fits
    on one. ``documents/base.html`` marks where the content ends and where the page
    area does: a box that does not break across pages (a flex one) would otherwise run
    off the paper without making a second page."""
    bottom = document.pages[0].anchors.get("page-end")
    for number, page in enumerate(document.pages):
        end = page.anchors.get("document-end")
        if end is not None and bottom is not None and bottom[1] > 0:
            return (number * bottom[1] + end[1]) / bottom[1]
    return float(len(document.pages))


def render_pdf(
    template: str,
    context: Callable[[], dict],
    *,
    language: str,
    one_page: bool = False,
) -> bytes:
    """The PDF of ``template`` in ``language``, its context made in that language. A
    ``one_page`` document shrinks its type (the ``scale`` of its template) until it
    fits on one page: wrapped text takes about the square of the scale in height, so
    the first guess from the overflow is near, and each further try a little smaller."""
    html_document = _weasyprint().HTML
    scale = 1.0
    with translation.override(language):
        values = context()
        while True:
            html = _html(template, values, scale=scale, images_inline=True)
            document = html_document(string=html, url_fetcher=_data_only_fetcher()).render(
                font_config=_font_config()
            )
            overflow = _overflow(document) if one_page else 1.0
            # A thousandth of a page: what the layout's rounding leaves.
            if overflow <= 1.001 or scale <= SMALLEST_SCALE:
                return document.write_pdf()
            scale = max(SMALLEST_SCALE, round(scale * min(0.95, overflow**-0.5), 3))
