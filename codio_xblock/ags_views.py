"""LTI Advantage service endpoints of the platform: OAuth 2 token and AGS line items and
scores. Authentication and scope checks live in one decorator, never in view bodies."""

from functools import wraps

from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import ags, conf
from .lti1p3 import ags as protocol
from .lti1p3.exceptions import AccessDenied, LtiPlatformError, gettext_noop
from .models import LineItem, PlatformSubject


def error_json(exc):
    response = JsonResponse(
        {"error": exc.error_code, "error_description": exc.translated(gettext)},
        status=exc.http_status,
    )
    if exc.http_status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{exc.error_code}"'
    return response


# Tools call these from their servers with OAuth 2 credentials, not from a browser.
@transaction.non_atomic_requests  # no transaction held while the tool's key set is fetched
@csrf_exempt
@never_cache
@require_POST
def token(request):
    try:
        return JsonResponse(ags.issue_token(request.POST))
    except LtiPlatformError as exc:
        return error_json(exc)


def line_item_url(item):
    return conf.platform_issuer() + reverse("codio_xblock:ags-lineitem", args=[item.pk])


def line_items_url(item):
    return conf.platform_issuer() + reverse("codio_xblock:ags-lineitems", args=[item.pk])


def _document(item):
    return protocol.line_item(
        url=line_item_url(item),
        label=item.label,
        score_maximum=item.score_maximum,
        resource_link_id=item.usage_id,
        resource_id=item.resource_id,
    )


def tool_service(scopes, model, refusal):
    """Authenticate the Bearer token for any of ``scopes`` and give the view the ``model``
    row of the URL, which must belong to the token's own tool (``refusal`` otherwise): a
    block's own line item, a course's own membership service."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, pk):
            try:
                tool, last = None, None
                for scope in scopes:
                    try:
                        tool = ags.authenticate(request.headers.get("Authorization"), scope)
                        break
                    except AccessDenied as exc:
                        last = exc
                if tool is None:
                    raise last
                row = model.objects.filter(pk=pk).first()
                if row is None or row.tool_id != tool.pk:
                    raise AccessDenied(refusal)
                return view(request, row)
            except LtiPlatformError as exc:
                return error_json(exc)

        return wrapper

    return decorate


def ags_service(scopes):
    """The line item of the URL, for a token granting any of ``scopes``."""
    return tool_service(scopes, LineItem, gettext_noop("This line item belongs to another tool."))


@require_http_methods(["GET"])
@ags_service([protocol.SCOPE_LINEITEM, protocol.SCOPE_LINEITEM_READONLY])
def line_items(request, item):
    """The block's line items container: exactly its own line item."""
    return JsonResponse([_document(item)], safe=False, content_type=protocol.MEDIA_LINEITEMS)


@require_http_methods(["GET"])
@ags_service([protocol.SCOPE_LINEITEM, protocol.SCOPE_LINEITEM_READONLY])
def line_item(request, item):
    return JsonResponse(_document(item), content_type=protocol.MEDIA_LINEITEM)


class UnsupportedMediaType(LtiPlatformError):
    error_code = "unsupported_media_type"
    http_status = 415


@transaction.non_atomic_requests  # the gradebook is written after commit
@require_POST
@ags_service([protocol.SCOPE_SCORE])
def scores(request, item):
    if request.content_type not in (protocol.MEDIA_SCORE, "application/json"):
        raise UnsupportedMediaType(
            gettext_noop("Scores are posted as %(media)s."), media=protocol.MEDIA_SCORE
        )
    stored = ags.record_score(item, protocol.load_json_body(request.body))
    return JsonResponse(
        {"resultUrl": line_item_url(item), "userKey": "", "id": stored.pk}, status=200
    )


@require_http_methods(["GET"])
@ags_service([protocol.SCOPE_RESULT_READONLY])
def results(request, item):
    """The line item's results (AGS 2.0, 3.3), optionally for one ``user_id``."""
    scores = item.scores.all()
    subs = dict(
        PlatformSubject.objects.filter(user_key__in=scores.values("user_key")).values_list(
            "user_key", "sub"
        )
    )
    if request.GET.get("user_id"):
        wanted = {k for k, v in subs.items() if v == request.GET["user_id"]}
        scores = scores.filter(user_key__in=wanted)
    documents = [
        protocol.result(
            url=f"{line_item_url(item)}/results?user_id={subs.get(s.user_key, '')}",
            user_id=subs.get(s.user_key, ""),
            score_given=s.score_given,
            score_maximum=s.score_maximum,
            comment=s.comment,
            line_item_url=line_item_url(item),
        )
        for s in scores.order_by("pk")
    ]
    return JsonResponse(documents, safe=False, content_type=protocol.MEDIA_RESULTS)
