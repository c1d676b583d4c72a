"""The platform's Names and Role Provisioning Service endpoint (NRPS 2.0). Authentication
and the scope check live in the decorator, never in the view body."""

from functools import wraps

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import ags, nrps
from .ags_views import error_json
from .lti1p3 import nrps as protocol
from .lti1p3.exceptions import AccessDenied, LtiPlatformError, gettext_noop
from .models import ToolContext


def membership_service(view):
    """Authenticate the Bearer token for the membership scope and give the view the
    context, which must belong to the token's own tool."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, pk):
        try:
            tool = ags.authenticate(
                request.headers.get("Authorization"), protocol.SCOPE_MEMBERSHIP_READONLY
            )
            context = ToolContext.objects.filter(pk=pk).first()
            if context is None or context.tool_id != tool.pk:
                raise AccessDenied(gettext_noop("This membership service belongs to another tool."))
            return view(request, context)
        except LtiPlatformError as exc:
            return error_json(exc)

    return wrapper


@never_cache
@require_GET
@membership_service
def memberships(request, context):
    """One page of the context's members; ``Link: <...>; rel="next"`` names the next one."""
    document, next_url = nrps.membership_page(context, request.GET)
    response = JsonResponse(document, content_type=protocol.MEDIA_MEMBERSHIPS)
    if next_url:
        response["Link"] = protocol.next_link(next_url)
    return response
