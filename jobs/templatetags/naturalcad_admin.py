"""The admin front page's dashboard, as a tag its index template includes."""

from typing import Any

from django import template

from jobs.dashboard import today

register = template.Library()


@register.inclusion_tag("admin/naturalcad/dashboard.html")
def dashboard() -> dict[str, Any]:
    return {"today": today()}
