"""A table too wide for a phone scrolls in its own box: one that a keyboard can reach
(it takes the focus, and the arrow keys scroll it) and that a screen reader names by
its table's caption."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates" / "frontend"
BOX = re.compile(r'<div class="table-scroll"([^>]*)>\s*<table[^>]*>\s*<caption([^>]*)>')


def test_every_scrolling_table_can_be_reached_by_keyboard_and_is_named():
    boxes = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        html = template.read_text()
        found = BOX.findall(html)
        assert len(found) == html.count('class="table-scroll"'), template
        boxes += [(template.name, box, caption) for box, caption in found]

    assert len(boxes) > 20
    for name, box, caption in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box, name
        [labelled_by] = re.findall(r'aria-labelledby="([^"]+)"', box)
        assert f'id="{labelled_by}"' in caption, name
