"""A moment as the pages show it (``frontend/includes/moment.html``), as a value: so that
a sentence holding a date stays one message to translate, where an include cannot go
inside ``{% blocktranslate %}``. As a filter (``{% with closes=window.closes_at|moment %}``)
or as a tag (``{% moment window.closes_at as closes %}``), then
``{% blocktranslate %}… {{ closes }}{% endblocktranslate %}``."""

from datetime import datetime

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


def _moment(value: datetime | None) -> SafeString:
    """The ``<time class="moment">`` of ``frontend/includes/moment.html``, for ``value``."""
    return render_to_string("frontend/includes/moment.html", {"moment": value})


register.filter("moment", _moment)
register.simple_tag(_moment, name="moment")
