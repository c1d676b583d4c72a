"""Joining a class by link. Every class of the bridge is made from an LMS course, and
those take no invitations or join links (``Classroom.save`` keeps them off): the server
refuses every join, whatever the token, with a page that says where to go instead."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST


@require_POST
def join(request, token):
    return render(
        request,
        "lti_bridge/message.html",
        {
            "message": _(
                "This class cannot be joined by link. It belongs to a course in your learning "
                "platform: open a Codio unit from that course."
            )
        },
        status=403,
    )
