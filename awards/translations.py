"""A project's title and short description in the other languages of the site.

The project's own ``title`` and ``short_description`` are its original texts, as the
submitter wrote them. Each of the site's other languages may have its own version of
both, each optional: django-modeltrans keeps them in the project's ``i18n`` JSON column
(read in the same query as the project, so lists cost nothing more) and gives each a
field of its own, ``title_fr``, ``short_description_zh_hans``… A reader sees the version
of the page's language, else the original.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Model
from django.utils.translation import get_language, get_language_info, gettext

TRANSLATED_FIELDS = ("title", "short_description")


def translation_languages() -> list[str]:
    """The languages a project's texts may be given in besides the original: every
    language of the site but the default one, whose version is the original."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translation_field(field: str, language: str) -> str:
    """The name of the project's field that holds ``field`` in ``language`` (as
    django-modeltrans names it: ``short_description_zh_hans``)."""
    return f"{field}_{language.replace('-', '_')}"


def translation_fields() -> list[str]:
    """Every field of a project's translations, language by language."""
    return [
        translation_field(field, language)
        for language in translation_languages()
        for field in TRANSLATED_FIELDS
    ]


def language_name(language: str) -> str:
    """The language's name in the active language ("French", "Französisch")."""
    return get_language_info(language)["name_translated"]


def translation_label(field: str, language: str) -> str:
    """What a form calls the field of ``field`` in ``language``: "Title in French"."""
    names = {"language": language_name(language)}
    if field == "title":
        return gettext("Title in %(language)s") % names
    return gettext("Short description in %(language)s") % names


def translation_of(project: Model, field: str, language: str) -> str:
    """The project's own version of ``field`` in ``language``; empty if it has none."""
    if language not in translation_languages():
        return ""
    return getattr(project, translation_field(field, language)) or ""


def translations_of(project: Model) -> dict[str, dict[str, str]]:
    """The versions the project has, by language: ``{"fr": {"title": …}}``; a language
    with neither text is left out."""
    found: dict[str, dict[str, str]] = {}
    for language in translation_languages():
        texts = {field: translation_of(project, field, language) for field in TRANSLATED_FIELDS}
        if any(texts.values()):
            found[language] = texts
    return found


@dataclass(frozen=True)
class ShownText:
    """A text as a page in some language shows it: its version in that language, or
    the original standing in for it (``is_original``), whose language the page cannot
    tell."""

    text: str
    is_original: bool

    def __str__(self) -> str:
        return self.text


def text_shown(project: Model, field: str, language: str | None = None) -> ShownText:
    """``field`` of the project in ``language`` (the active one unless given), falling
    back to the original."""
    language = language or get_language() or settings.LANGUAGE_CODE
    translated = translation_of(project, field, language)
    if translated:
        return ShownText(translated, is_original=False)
    # On the pages of the default language the original is the text itself, as it
    # has always been shown; elsewhere it stands in for a version the project lacks.
    return ShownText(getattr(project, field), is_original=language != settings.LANGUAGE_CODE)
