"""A moment as the pages show it, as a value: so that a sentence holding a date stays one
message to translate (``{% with closes=window.closes_at|moment %}`` then
``{% blocktranslate %}… {{ closes }}{% endblocktranslate %}``)."""

from datetime import datetime

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def moment(value: datetime | None) -> SafeString:
    """The ``<time class="moment">`` of ``frontend/includes/moment.html``, for ``value``."""
    return render_to_string("frontend/includes/moment.html", {"moment": value})
