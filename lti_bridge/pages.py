"""Rendering the bridge's pages: unit pages (learner, teacher) and refusal pages.

Pages are framed by LMS pages on other sites, so instead of X-Frame-Options they carry a
CSP ``frame-ancestors`` naming the registered platforms and the origins that frame them.
"""

import base64
import hashlib
import logging
import re
import secrets

from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import render

from . import conf, permissions
from .delivery.progress import progress as delivery_progress
from .models import ClassMembership, GradeDelivery, Registration, Work
from .protocol.origins import origin_of, url_origin

log = logging.getLogger(__name__)


def frame_ancestors(registration=None):
    """Who may frame a unit page: this site, the LMS's own origins (its issuer's and auth
    URL's) and the origins its registration names (the Learning MFE), for ``registration``
    or, for a page no launch names, every active registration (origins.py)."""
    rows = [registration] if registration else Registration.objects.active()
    origins = set()
    for row in rows:
        origins |= {url_origin(row.auth_login_url), url_origin(row.issuer)}
        origins |= {origin_of(value) for value in row.frame_origin_list()}
    return " ".join(["'self'", *sorted(o for o in origins if o)])


def style_sources():
    """Where the pages' stylesheet comes from: this site, and STATIC_URL's origin when the
    operator serves static files from elsewhere (a CDN, as Open edX allows). Pages carry no
    inline style, so none is allowed: injected markup cannot restyle a page."""
    from django.conf import settings

    origin = url_origin(getattr(settings, "STATIC_URL", "") or "")
    return " ".join(["'self'", *([origin] if origin else [])])


def render_page(request, template, context, status=200, registration=None):
    """Render a page the LMS frames: CSP names who may frame it and which script may run."""
    nonce = secrets.token_urlsafe(16)
    response = render(request, template, {**context, "csp_nonce": nonce}, status=status)
    response["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'nonce-{nonce}'; style-src {style_sources()}; "
        f"img-src 'self' data:; frame-ancestors {frame_ancestors(registration)}"
    )
    response.xframe_options_exempt = True
    return response


_INLINE_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def add_csp_for_library_page(response, registration=None):
    """A CSP for a page a library renders (pylti1p3's cookie check): its inline scripts are
    allowed by their SHA-256 hashes, nothing else runs, and only our platforms frame it."""
    body = response.content.decode(response.charset or "utf-8", errors="replace")
    hashes = [
        "'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        )
        for script in _INLINE_SCRIPT.findall(body)
    ]
    scripts = " ".join(hashes) or "'none'"
    response["Content-Security-Policy"] = (
        f"default-src 'none'; script-src {scripts}; "
        f"style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
        f"frame-ancestors {frame_ancestors(registration)}"
    )
    response.xframe_options_exempt = True
    return response


def with_membership_state(learners, membership):
    """Learners (Accounts) in name order, each with ``member_active``: False once the LMS's
    roster says they left the class (their work and grades are kept)."""
    state = ClassMembership.objects.filter(
        classroom=membership.classroom_id, account=OuterRef("pk")
    ).values("active")[:1]
    return learners.annotate(member_active=Subquery(state)).order_by("name", "pk")


def paginate(request, queryset):
    """One page of ``queryset`` (``?page=N``; out-of-range numbers give the last page)."""
    return Paginator(queryset, conf.get("PAGE_SIZE")).get_page(request.GET.get("page"))


def render_error(request, exc, *, stage):
    log.warning("LTI %s refused (%s): %s", stage, type(exc).__name__, exc.reason)
    return render_page(request, exc.template, {"message": exc.message}, status=exc.status)


def render_unit_page(request, account, resource_link, membership, registration=None, work=None):
    """The unit's page: the teacher view, or the learner's own work (``work`` when the
    caller has it, as a launch does)."""
    context = {
        "account": account,
        "resource_link": resource_link,
        "unit": resource_link.unit,
        "content": resource_link.content,
        "classroom": resource_link.classroom,
        "membership": membership,
    }
    if permissions.is_teacher(membership):
        page = paginate(
            request, with_membership_state(permissions.visible_learners(membership), membership)
        )
        newest_first = Prefetch(
            "deliveries",
            queryset=GradeDelivery.objects.order_by("-version", "-pk"),
            to_attr="deliveries_newest_first",
        )
        learners = list(page.object_list)  # ids, not the sliced query: MariaDB takes no
        works = {  # LIMIT inside IN (...)
            work.account_id: work
            for work in Work.objects.filter(
                resource_link=resource_link, account_id__in=[learner.pk for learner in learners]
            ).prefetch_related(newest_first)
        }
        # Every learner the teacher may see, with their work or none yet ("Not started"):
        # learners the LMS's roster named appear before they ever open the unit.
        context["rows"] = [(learner, works.get(learner.pk)) for learner in learners]
        context["progress"] = delivery_progress(resource_link, membership)
        context["page"] = page
        context["can_edit_content"] = permissions.can(membership, permissions.Action.EDIT_CONTENT)
        context["can_release"] = permissions.can(membership, permissions.Action.RELEASE)
        template = "lti_bridge/unit_teacher.html"
    else:
        context["work"] = (
            work
            if work is not None
            else Work.objects.filter(resource_link=resource_link, account=account).first()
        )
        template = "lti_bridge/unit_learner.html"
    return render_page(request, template, context, registration=registration)
