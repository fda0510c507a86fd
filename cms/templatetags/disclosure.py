"""Template filters for protected figures (cms/disclosure.py): `{% load disclosure %}`."""

from django import template

from cms import disclosure

register = template.Library()


@register.filter
def is_published_number(value) -> bool:
    """True for a number; False for a `Suppressed` or `NotShown` marker (or a dash), so units are not added."""
    return disclosure.is_published_number(value)


@register.filter
def figure(value):
    """A published number with thousands separators ("12,345", "1,234.5"); a marker ("[c]", "not shown") or text
    (a share such as "45%") is left as it is, so a hidden figure still reads as hidden."""
    return disclosure.format_figure(value)


@register.simple_tag
def disclosure_explanation(audience: str = "public") -> str:
    """What [c] and "not shown" mean for an audience, from the module itself so the words follow the rule."""
    return disclosure.explanation(disclosure.Audience(audience).threshold)
