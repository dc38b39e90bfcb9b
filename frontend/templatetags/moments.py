from datetime import datetime

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def moment(value: datetime) -> SafeString:
    """The markup of frontend/includes/moment.html for one date and time.

    `{% moment value as name %}` lets a translated sentence hold the date as one
    placeholder, where an include cannot go inside `{% blocktranslate %}`.
    """
    return render_to_string("frontend/includes/moment.html", {"moment": value})
