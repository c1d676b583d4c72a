"""The unit picker a platform opens with a deep linking request (flows/deep_linking.py).
Its pages are framed by the platform; the token in their URL is their authority, and its
forms carry the bridge session's token as every bridge form does (forms_token.py)."""

from urllib.parse import urlencode

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..flows import deep_linking
from ..pages import paginate, render_page


@require_http_methods(["GET", "POST"])
def picker(request, token):
    try:
        pick, registration = deep_linking.load(token)
    except deep_linking.PickError as exc:
        raise Http404 from exc
    if request.method == "POST":
        unit_id = request.POST.get("unit")
        try:
            unit_id = int(unit_id) if unit_id not in (None, "") else None
            return_url, response_jwt, registration = deep_linking.respond(token, unit_id)
        except (ValueError, deep_linking.PickError):
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
