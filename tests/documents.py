"""Reading the platform's PDFs back as a reader would: their text, where each line of
it sits on the page, and whether any character came out as a missing-glyph box.

The text is read by pypdf from each font's map back to Unicode, in the order the
characters have in the text (PDFium and Poppler, which the viewers use, put the two
letters of an Arabic lam-alef ligature the wrong way round when they read text back).
PDFium (pypdfium2) finds where each line sits and renders the pages, as Chromium's
PDF viewer does.
"""

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageOps
from pypdf import PdfReader

POINTS_PER_CM = 72 / 2.54


@dataclass(frozen=True)
class Line:
    """One line of text on a page, in points from the page's lower left corner."""

    page: int
    text: str
    left: float
    bottom: float
    right: float
    top: float


def pdf_text(data: bytes) -> str:
    """The text of every page, in the order of the characters."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_count(data: bytes) -> int:
    return len(pdfium.PdfDocument(data))


def page_size(data: bytes, page: int = 0) -> tuple[float, float]:
    return pdfium.PdfDocument(data)[page].get_size()


def pdf_lines(data: bytes) -> list[Line]:
    """Each line of text with the box it is drawn in: the pieces of text PDFium finds
    side by side on one line (a contents entry and its page number) make one line."""
    lines: list[Line] = []
    for number, page in enumerate(pdfium.PdfDocument(data)):
        text_page = page.get_textpage()
        pieces = []
        for index in range(text_page.count_rects()):
            left, bottom, right, top = text_page.get_rect(index)
            text = text_page.get_text_bounded(left, bottom, right, top)
            if text.strip():
                pieces.append(Line(number, text, left, bottom, right, top))
        # A piece belongs to the line whose height it shares: its middle within the
        # line's, or the line's within its (a mark above Arabic letters is a piece of
        # its own, higher and shorter than its letters).
        groups: list[list[Line]] = []
        for piece in sorted(pieces, key=lambda piece: -(piece.top + piece.bottom)):
            middle = (piece.top + piece.bottom) / 2
            if groups:
                bottom = min(other.bottom for other in groups[-1])
                top = max(other.top for other in groups[-1])
                shared = min(top, piece.top) - max(bottom, piece.bottom)
                shortest = min(top - bottom, piece.top - piece.bottom)
                if bottom <= middle <= top or shared > 0.3 * shortest:
                    groups[-1].append(piece)
                    continue
            groups.append([piece])
        for group in groups:
            group.sort(key=lambda piece: piece.left)
            lines.append(
                Line(
                    number,
                    " ".join(piece.text.strip() for piece in group),
                    min(piece.left for piece in group),
                    min(piece.bottom for piece in group),
                    max(piece.right for piece in group),
                    max(piece.top for piece in group),
                )
            )
    return lines


def characters(data: bytes, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """Each character drawn on the page with its box: (text, left, bottom, right, top)."""
    text_page = pdfium.PdfDocument(data)[page].get_textpage()
    drawn = []
    for index in range(text_page.count_chars()):
        character = text_page.get_text_range(index, 1)
        if character.strip():
            drawn.append((character, *text_page.get_charbox(index)))
    return drawn


def render_page(data: bytes, page: int = 0, scale: float = 2) -> Image.Image:
    return pdfium.PdfDocument(data)[page].render(scale=scale, grayscale=True).to_pil()


def _ink(image: Image.Image) -> Image.Image:
    """Black where something is drawn darker than mid-grey, white elsewhere, inverted so
    that ``getbbox`` finds the ink."""
    return ImageOps.invert(image.convert("L")).point(lambda value: 255 if value > 127 else 0)


def _is_empty_box(glyph: Image.Image) -> bool:
    """A rectangle drawn as an outline with nothing inside: what a font draws for a
    character it has no glyph for."""
    width, height = glyph.size
    if width < 6 or height < 6:
        return False
    pixels = glyph.load()
    border = (
        [pixels[x, 0] for x in range(width)]
        + [pixels[x, height - 1] for x in range(width)]
        + [pixels[0, y] for y in range(height)]
        + [pixels[width - 1, y] for y in range(height)]
    )
    # Inside the outline, however thick a bold font draws it.
    inset = max(2, round(min(width, height) * 0.25))
    inside = [
        pixels[x, y] for x in range(inset, width - inset) for y in range(inset, height - inset)
    ]
    drawn_border = sum(1 for value in border if value) / len(border)
    drawn_inside = sum(1 for value in inside if value) / max(1, len(inside))
    return drawn_border > 0.9 and drawn_inside < 0.15


def missing_glyph_boxes(data: bytes, scale: float = 4) -> list[tuple[int, str]]:
    """The characters (page, text) drawn as empty boxes: each page is rendered to an
    image and each character's own box on it is looked at."""
    found = []
    for number, page in enumerate(pdfium.PdfDocument(data)):
        text_page = page.get_textpage()
        ink = _ink(page.render(scale=scale, grayscale=True).to_pil())
        for index in range(text_page.count_chars()):
            character = text_page.get_text_range(index, 1)
            if character and character.isspace():
                continue
            left, bottom, right, top = text_page.get_charbox(index)
            area = ink.crop(
                (
                    int(left * scale) - 1,
                    int(ink.height - top * scale) - 1,
                    int(right * scale) + 2,
                    int(ink.height - bottom * scale) + 2,
                )
            )
            drawn = area.getbbox()
            if drawn and _is_empty_box(area.crop(drawn)):
                found.append((number, character))
    return found
