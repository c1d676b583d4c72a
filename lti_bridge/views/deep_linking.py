"""The unit picker a platform opens with a deep linking request (flows/deep_linking.py).
Its pages are framed by the platform; the token in their URL is their authority and their
proof against other sites' posts (unguessable, created by the platform's signed request,
spent by the one answer): the picker needs no cookie of the bridge, in a browser that keeps
none in frames, not even partitioned ones. ``forms_token.own_proof`` tells ``protect`` so;
the origin check still applies (docs/decisions/0015-one-protection-for-every-bridge-form.rst).
"""

import re
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..flows import deep_linking
from ..forms_token import own_proof
from ..pages import paginate, render_page

# what flows.deep_linking.start makes (secrets.token_urlsafe(32): 43 characters); anything
# else is no picker, and is not looked up (a 10,000-character cache key breaks memcached)
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def _closed(request):
    """An unknown, expired or already answered picker (404): nothing is sent."""
    return render_page(
        request,
        "lti_bridge/message.html",
        {
            "message": _(
                "This unit picker is no longer open: it was already used, it expired, or its "
                "address is wrong. Nothing was sent to your course. Open the unit picker "
                "again from your course."
            )
        },
        status=404,
    )


@own_proof
@require_http_methods(["GET", "POST"])
def picker(request, token):
    if not TOKEN.fullmatch(token):
        return _closed(request)
    try:
        pick, registration = deep_linking.load(token)
    except deep_linking.PickError:
        return _closed(request)
    if request.method == "POST":
        unit_id = request.POST.get("unit")
        try:
            unit_id = int(unit_id) if unit_id not in (None, "") else None
            return_url, response_jwt, registration = deep_linking.respond(token, unit_id)
        except (ValueError, deep_linking.PickError):
            try:
                deep_linking.load(token)
            except deep_linking.PickError:  # answered meanwhile (another post): spent
                return _closed(request)
            return render_page(
                request,
                "lti_bridge/message.html",
                {"message": _("This choice could not be sent. Open the unit picker again.")},
                status=400,
                registration=registration,
            )
        return render_page(
            request,
            "lti_bridge/deep_linking_response.html",
            {"return_url": return_url, "jwt": response_jwt},
            registration=registration,
        )
    query = request.GET.get("q", "")
    page = paginate(request, deep_linking.units(registration, query))
    return render_page(
        request,
        "lti_bridge/deep_linking_picker.html",
        {
            "page": page,
            "units": page.object_list,
            "query": query,
            "pager_query": "&" + urlencode({"q": query}) if query else "",
            "token": token,
            "pick": pick,
        },
        registration=registration,
    )
