"""``{{ category.title|translated }}``: the contest's fixed words (Action Lines, standard
categories, Sustainable Development Goals) in the reader's language
(``awards.vocabulary``); loaded in every template (settings: TEMPLATES builtins)."""

from django import template

from awards.vocabulary import translated as _translated

register = template.Library()


@register.filter
def translated(text: str) -> str:
    return _translated(text)
