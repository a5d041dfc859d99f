"""Small text helpers for templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def end_sentence(value: object) -> str:
    """End a sentence after a name without doubling its own full stop ("B.V." stays "B.V.")."""
    text = str(value).rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
