"""``{% shown project "title" as title %}``: a project's title or short description in
the page's language, else its original (``title.is_original``, which the templates mark
as of unknown language, ``lang=""``, since the original's is not recorded)."""

from django import template
from django.db.models import Model

from awards.translations import ShownText, text_shown

register = template.Library()


@register.simple_tag
def shown(project: Model, field: str) -> ShownText:
    return text_shown(project, field)
