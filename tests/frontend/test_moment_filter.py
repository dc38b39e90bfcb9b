"""The moment filter: the same <time> as the moment include, as a value a translated
sentence can hold whole."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.html import parse_html

from tests.frontend.html import attribute, find, text

MOMENT = datetime(2020, 8, 21, 21, 0, tzinfo=UTC)


def test_moment_filter_writes_what_the_include_writes():
    shown = Template("{% load moments %}{{ moment|moment }}").render(Context({"moment": MOMENT}))

    assert shown == render_to_string("frontend/includes/moment.html", {"moment": MOMENT})


def test_moment_filter_inside_a_translated_sentence_stays_a_time_element():
    template = Template(
        "{% load i18n moments %}<p>{% blocktranslate trimmed with closes=moment|moment %}"
        "Voting is open until {{ closes }}.{% endblocktranslate %}</p>"
    )

    html = template.render(Context({"moment": MOMENT}))

    (moment,) = find(parse_html(html), "time", class_="moment")
    assert attribute(moment, "datetime") == MOMENT.isoformat()
    assert text(moment) == "21 August 2020, 21:00 UTC"
    assert "&lt;time" not in html
