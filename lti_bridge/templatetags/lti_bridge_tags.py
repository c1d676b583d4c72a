"""Template helpers: unit instructions as sanitised Markdown."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def markdown(text):
    """Markdown to HTML, then cleaned by nh3 (Ammonia's allow-list): no scripts, no event
    handlers, no javascript: links, whatever an author or an LMS wrote."""
    html = markdown_lib.markdown(text or "", extensions=["fenced_code", "tables"])
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))  # noqa: S308


@register.simple_tag(takes_context=True)
def bridge_form_token(context):
    """The hidden field every bridge form carries: the bridge session's token
    (forms_token.py), with the account it belongs to for the page's token refresh."""
    from django.utils.html import format_html

    from ..forms_token import FIELD, form_token

    token, account = form_token(context["request"])
    return format_html(
        '<input type="hidden" name="{}" value="{}" data-account="{}">', FIELD, token, account
    )


@register.filter
def shown_name(account, resource_link):
    """How a learner is named on a unit's pages: by name where the LMS shares names for the
    unit, by number where the unit is anonymous in the LMS (DESIGN section 2)."""
    from django.utils.translation import gettext

    if resource_link is not None and not resource_link.shares_identity:
        return gettext("Anonymous learner %(id)s") % {"id": account.pk}
    return account.display_name()


@register.simple_tag
def signed_in(account):
    """The top bar's "Signed in as ...": a teacher or administrator whose LMS shared no name
    (an anonymous unit opened first) is told so, not called a learner by number."""
    from django.utils.translation import gettext

    if account.name:
        return gettext("Signed in as %(name)s") % {"name": account.name}
    return gettext("Signed in; your LMS shared no name (account %(id)s)") % {"id": account.pk}


@register.simple_tag(takes_context=True)
def viewer_time_zone(context):
    """The zone the page shows times in (timezones.ViewerZone): the viewer's launch's zone,
    else the server's."""
    from ..session import time_zone
    from ..timezones import viewer_zone

    request = context.get("request")
    return viewer_zone(time_zone(request) if request is not None else "")


@register.filter(expects_localtime=True)
def when(value):
    """A moment in the page's zone, its abbreviation named ("2026-12-02 19:55 CET"), in a
    <time> element carrying the moment in UTC (ISO 8601) for machines and assistive tools."""
    from datetime import UTC, datetime

    from django.utils.dateformat import format as date_format
    from django.utils.html import format_html

    if not isinstance(value, datetime):
        return ""
    machine = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return format_html('<time datetime="{}">{}</time>', machine, date_format(value, "Y-m-d H:i T"))


@register.simple_tag(takes_context=True)
def bridge_notices(context):
    """The confirmations waiting in the viewer's bridge session (notices.py), removed as
    the page shows them."""
    from ..notices import pop

    request = context.get("request")
    return pop(request) if request is not None else []
