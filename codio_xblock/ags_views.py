"""LTI Advantage service endpoints of the platform: the OAuth 2 token and AGS 2.0 (the line
item service, scores, results). Authentication and scope checks live in one decorator,
never in view bodies; the work is in :mod:`.ags`."""

from functools import wraps

from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import ags, conf
from .lti1p3 import ags as protocol
from .lti1p3.exceptions import (
    AccessDenied,
    InvalidRequest,
    LengthRequired,
    LtiPlatformError,
    UnsupportedMediaType,
    gettext_noop,
)
from .lti1p3.nrps import next_link
from .models import LineItem, PlatformSubject, ToolContext


def error_json(exc, *, bearer=True):
    """An OAuth 2 error document. On the resources (``bearer``), a 401 and a scope refusal
    carry the Bearer challenge (RFC 6750, 3); the token endpoint's ``invalid_client`` does
    not (RFC 6749, 5.2: the client authenticated with an assertion, not an HTTP scheme)."""
    response = JsonResponse(
        {"error": exc.error_code, "error_description": exc.translated(gettext)},
        status=exc.http_status,
    )
    if bearer and (exc.http_status == 401 or exc.error_code == "insufficient_scope"):
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
        return error_json(exc, bearer=False)


def line_item_url(item):
    return conf.platform_issuer() + reverse("codio_xblock:ags-lineitem", args=[item.pk])


def line_items_url(context):
    """The line items container of a context (the tool's course)."""
    return conf.platform_issuer() + reverse("codio_xblock:ags-lineitems", args=[context.pk])


def _document(item):
    return protocol.line_item(
        url=line_item_url(item),
        label=item.label,
        score_maximum=item.score_maximum,
        resource_link_id=item.link_id,
        resource_id=item.resource_id,
        tag=item.tag,
        start_date_time=item.start_date_time,
        end_date_time=item.end_date_time,
    )


def tool_service(scopes, model, refusal):
    """Authenticate the Bearer token and give the view the ``model`` row of the URL, which
    must belong to the token's own tool (``refusal`` otherwise): a line item, a course's
    line items container or membership service. ``scopes``: the scopes any of which lets
    the token in, or a dict of them per HTTP method (another method: 405)."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, pk):
            wanted = scopes.get(request.method) if isinstance(scopes, dict) else scopes
            if wanted is None:
                return HttpResponseNotAllowed(list(scopes))
            try:
                tool, last = None, None
                for scope in wanted:
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


READ = [protocol.SCOPE_LINEITEM, protocol.SCOPE_LINEITEM_READONLY]
WRITE = [protocol.SCOPE_LINEITEM]
NOT_YOURS = gettext_noop("This line item belongs to another tool.")


def _json_body(request, media_type):
    """The request's JSON body, posted as ``media_type`` (or plain application/json).
    A body sent chunked, without Content-Length, reaches a WSGI application empty: it is
    refused as such (RFC 9110, 15.5.12), not read as an empty document."""
    if request.META.get("HTTP_TRANSFER_ENCODING") and not request.META.get("CONTENT_LENGTH"):
        raise LengthRequired(gettext_noop("Send the body with a Content-Length."))
    if request.content_type not in (media_type, "application/json"):
        raise UnsupportedMediaType(gettext_noop("Send %(media)s."), media=media_type)
    return protocol.load_json_body(request.body)


def _paged(request, documents, more, media_type, base_url):
    """A container page; ``Link: <...>; rel="next"`` names the next page when there is one
    (AGS 2.0, 3.2.3 and 3.3.4), with the request's own filters."""
    response = JsonResponse(documents, safe=False, content_type=media_type)
    if more:
        query = request.GET.copy()
        query["page"] = str(int(query.get("page") or 1) + 1)
        response["Link"] = next_link(f"{base_url}?{query.urlencode()}")
    return response


@tool_service(
    {"GET": READ, "POST": WRITE},
    ToolContext,
    gettext_noop("This line items container belongs to another tool."),
)
def line_items(request, context):
    """The course's line items container: the blocks' own line items and the tool's;
    ``POST`` creates one of the tool's (AGS 2.0, 3.2.3 and 3.2.4)."""
    if request.method == "POST":
        with transaction.atomic():
            item = ags.create_line_item(context, _json_body(request, protocol.MEDIA_LINEITEM))
        response = JsonResponse(_document(item), status=201, content_type=protocol.MEDIA_LINEITEM)
        response["Location"] = line_item_url(item)
        return response
    items, more = ags.find_line_items(context, protocol.parse_line_item_query(request.GET))
    return _paged(
        request,
        [_document(item) for item in items],
        more,
        protocol.MEDIA_LINEITEMS,
        line_items_url(context),
    )


@tool_service({"GET": READ, "PUT": WRITE, "DELETE": WRITE}, LineItem, NOT_YOURS)
def line_item(request, item):
    """One line item: read it; replace or delete one of the tool's (AGS 2.0, 3.2.7-3.2.9)."""
    if request.method == "PUT":
        with transaction.atomic():
            item = ags.update_line_item(item, _json_body(request, protocol.MEDIA_LINEITEM))
    elif request.method == "DELETE":
        with transaction.atomic():
            ags.delete_line_item(item)
        return HttpResponse(status=204)
    return JsonResponse(_document(item), content_type=protocol.MEDIA_LINEITEM)


@transaction.non_atomic_requests  # the gradebook is written after commit
@require_POST
@tool_service([protocol.SCOPE_SCORE], LineItem, NOT_YOURS)
def scores(request, item):
    stored = ags.record_score(item, _json_body(request, protocol.MEDIA_SCORE))
    return JsonResponse(
        {"resultUrl": line_item_url(item), "userKey": "", "id": stored.pk}, status=200
    )


@tool_service({"GET": [protocol.SCOPE_RESULT_READONLY]}, LineItem, NOT_YOURS)
def results(request, item):
    """The line item's results (AGS 2.0, 3.3), optionally for one ``user_id``, in pages of
    ``limit``."""
    limit = protocol.positive_int(
        request.GET.get("limit", ""),
        "limit",
        default=protocol.DEFAULT_PAGE,
        maximum=protocol.MAX_PAGE,
    )
    page = protocol.positive_int(request.GET.get("page", ""), "page", default=1, maximum=10**6)
    scores = item.scores.all()
    user_id = request.GET.get("user_id", "")
    if "\x00" in user_id:  # no database column takes it (PostgreSQL refuses it outright)
        raise InvalidRequest(gettext_noop("'user_id' is not a valid value."))
    if user_id:
        scores = scores.filter(
            user_key__in=PlatformSubject.objects.filter(sub=user_id[:64]).values("user_key")
        )
    start = (page - 1) * limit
    taken = list(scores.order_by("pk")[start : start + limit + 1])
    more, taken = len(taken) > limit, taken[:limit]
    subs = dict(
        PlatformSubject.objects.filter(user_key__in=[s.user_key for s in taken]).values_list(
            "user_key", "sub"
        )
    )
    documents = [
        protocol.result(
            url=f"{line_item_url(item)}/results?user_id={subs.get(s.user_key, '')}",
            user_id=subs.get(s.user_key, ""),
            score_given=s.score_given,
            score_maximum=s.score_maximum,
            comment=s.comment,
            line_item_url=line_item_url(item),
        )
        for s in taken
    ]
    return _paged(
        request, documents, more, protocol.MEDIA_RESULTS, f"{line_item_url(item)}/results"
    )
