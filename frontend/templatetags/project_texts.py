"""``{% shown project "title" as title %}``: a project's title or short description in
the page's language, else its original (``title.is_original``, which the templates mark
as of unknown language, ``lang=""``, since the original's is not recorded)."""

from django import template
from django.db.models import Model

from awards.translations import ShownText, language_name, text_shown, translations_of

register = template.Library()


@register.simple_tag
def shown(project: Model, field: str) -> ShownText:
    return text_shown(project, field)


@register.simple_tag
def project_translations(project: Model) -> list[dict[str, str]]:
    """The versions of its texts the project has in other languages, each with its
    language's code and name: what its submitter entered."""
    return [
        {"language": language, "name": language_name(language), **texts}
        for language, texts in translations_of(project).items()
    ]
