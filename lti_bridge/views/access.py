"""What every class view starts with: the current account's membership, or a refusal.

Objects the account may not see answer 404 (their existence is not revealed); actions it
may not take on what it sees answer 403.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import permissions
from .account import current_account


def member_or_404(request, classroom):
    """The current account's membership of ``classroom``; 404 for strangers."""
    membership = permissions.membership_of(current_account(request), classroom)
    if membership is None:
        raise Http404
    return membership


def forbidden(request):
    return render(
        request,
        "lti_bridge/message.html",
        {"message": _("Your role in this class does not allow this.")},
        status=403,
    )
