"""The platform's Names and Role Provisioning Service endpoint (NRPS 2.0). Authentication
and the scope check live in the decorator (shared with AGS), never in the view body."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import nrps
from .ags_views import tool_service
from .lti1p3 import nrps as protocol
from .lti1p3.exceptions import gettext_noop
from .models import ToolContext


@never_cache
@require_GET
@tool_service(
    [protocol.SCOPE_MEMBERSHIP_READONLY],
    ToolContext,
    gettext_noop("This membership service belongs to another tool."),
)
def memberships(request, context):
    """One page of the context's members; ``Link: <...>; rel="next"`` names the next one."""
    document, next_url = nrps.membership_page(context, request.GET)
    response = JsonResponse(document, content_type=protocol.MEDIA_MEMBERSHIPS)
    if next_url:
        response["Link"] = protocol.next_link(next_url)
    return response
