"""Template filters of the documents (``awards/templates/documents``)."""

import unicodedata

from django import template

register = template.Library()


@register.filter
def direction(text: str) -> str:
    """ "rtl" or "ltr": the direction of the first letter of ``text`` with one (what
    ``dir="auto"`` means in a browser, which WeasyPrint does not read), "auto" when none
    has one."""
    for character in str(text):
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"
