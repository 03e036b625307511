from __future__ import annotations

from django import template

from torget.dialogues import presentation
from torget.dialogues.models import Post

register = template.Library()


@register.filter
def public_text(contribution: Post) -> str:
    """Contribution text as the public may see it: national ID numbers masked."""
    return presentation.public_text(contribution)


@register.filter
def public_name(display_name: str) -> str:
    """A display name as the public may see it: national ID numbers masked."""
    return presentation.public_name(display_name)
