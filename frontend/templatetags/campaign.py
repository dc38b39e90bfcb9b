"""Absolute addresses for what leaves the site: a nominee's share link and the images
that link previews show."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def share_url(context: template.Context, project) -> str:
    """The nominee's short share link, absolute (``/n/<id>/`` on this site)."""
    return context["request"].build_absolute_uri(reverse("frontend:share", args=[project.pk]))


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str) -> str:
    return context["request"].build_absolute_uri(path)
