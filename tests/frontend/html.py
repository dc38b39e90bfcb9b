"""Read pages as a person would: by landmarks, headings, labels and links rather than
by raw HTML strings."""

from collections.abc import Iterator

from django.test.html import Element, parse_html


def page(response) -> Element:
    return parse_html(response.content.decode())


def descendants(node: Element) -> Iterator[Element]:
    for child in node.children:
        if isinstance(child, Element):
            yield child
            yield from descendants(child)


def text(node: Element | str) -> str:
    if isinstance(node, str):
        return " ".join(node.split())
    return " ".join(" ".join(text(child) for child in node.children).split())


def _matches(element: Element, attributes: dict[str, str | None]) -> bool:
    present = dict(element.attributes)
    for name, value in attributes.items():
        if name not in present:
            return False
        if name == "class":
            if value not in (present.get("class") or "").split():
                return False
        elif present.get(name) != value:
            return False
    return True


def find(root: Element, tag: str | None = None, **attributes: str | None) -> list[Element]:
    """Elements with this tag and these attributes (``class_`` matches one class,
    ``aria_current`` stands for ``aria-current``, None matches a boolean attribute
    such as ``selected``)."""
    wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attributes.items()}
    return [
        element
        for element in descendants(root)
        if (tag is None or element.name == tag) and _matches(element, wanted)
    ]


def attribute(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)


def label_texts(root: Element) -> dict[str, str]:
    """Each labelled control's id, with the text of its label."""
    return {attribute(label, "for"): text(label) for label in find(root, "label")}


def h1(response) -> str:
    [heading] = find(page(response), "h1")
    return text(heading)


def error_summary(response) -> str:
    [summary] = find(page(response), class_="error-summary")
    return text(summary)
