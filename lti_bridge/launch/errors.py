"""Why a login or launch was refused, in plain words, with the HTTP status to answer.

``message`` is shown to the person; ``reason`` (technical) is logged. Every refusal of
the hardening layer and of pylti1p3 ends as one of these, rendered in one place.
"""

from django.utils.translation import gettext_lazy as _


class LaunchError(Exception):
    status = 400
    message = _("This launch could not be accepted.")
    template = "lti_bridge/error.html"

    def __init__(self, reason="", message=None):
        super().__init__(reason or str(self.message))
        self.reason = reason or str(self.message)
        if message is not None:
            self.message = message


class CookiesBlocked(LaunchError):
    message = _(
        "Your browser did not keep the cookie this unit needs inside the course page, so "
        "the launch could not be checked. Open the unit in a new window from the course page."
    )
    template = "lti_bridge/cookies_blocked.html"


class UnknownPlatform(LaunchError):
    message = _("This learning platform is not registered with Codio.")


class UnknownDeployment(LaunchError):
    message = _("This deployment of the tool is not registered with Codio.")


class InvalidToken(LaunchError):
    message = _("The launch message is malformed.")


class BadSignature(LaunchError):
    status = 403
    message = _("The launch message's signature is not valid.")


class UnknownKey(LaunchError):
    status = 403
    message = _("The launch message was signed with a key the platform does not publish.")


class KeySetUnavailable(LaunchError):
    status = 502
    message = _("The learning platform's keys could not be fetched. Try again in a minute.")


class KeySetTimeout(KeySetUnavailable):
    """The platform's key set did not arrive within the fetch's deadline (HTTP_DEADLINE):
    504, the gateway's own word for an upstream that did not answer in time."""

    status = 504
    message = _(
        "Your learning platform did not send its keys within %(seconds)s seconds, so Codio "
        "could not check this launch and nothing was changed. Open the unit again from your "
        "course in a minute."
    )

    def __init__(self, reason="", seconds=None):
        if seconds is None:
            from .. import conf

            seconds = conf.get("HTTP_DEADLINE")
        super().__init__(reason, message=self.message % {"seconds": f"{seconds:g}"})
        self.seconds = seconds


class Expired(LaunchError):
    message = _("The launch message has expired. Open the unit again from your course.")


class Replayed(LaunchError):
    status = 403
    message = _("This launch was already used. Open the unit again from your course.")


class WrongAudience(LaunchError):
    status = 403
    message = _("The launch message was meant for another tool.")


class MissingClaim(LaunchError):
    message = _("The launch message lacks information Codio needs: %(claim)s.")

    def __init__(self, claim, reason=""):
        super().__init__(
            reason or f"missing or malformed claim {claim}", message=self.message % {"claim": claim}
        )


class WrongLaunchUrl(LaunchError):
    message = _("The launch was sent to an address this tool does not use.")


class Unsupported(LaunchError):
    message = _("This kind of LTI message is not supported.")


class UnitNotFound(LaunchError):
    status = 404
    message = _(
        "This activity does not point to a Codio unit of your organization. "
        "Ask the course team to check the unit set for it."
    )


class AccountDeactivated(LaunchError):
    status = 403
    message = _(
        "This Codio account is deactivated, so it cannot be opened from your learning "
        "platform. Ask your institution's Codio administrator."
    )


class NotAllowedToPick(LaunchError):
    status = 403
    message = _(
        "Only the course's teachers can choose a Codio unit for an activity. Ask your course team."
    )


class TrialOrganization(LaunchError):
    status = 403
    message = _(
        "This Codio organization is on a trial and cannot create accounts from "
        "launches. Ask your institution's Codio administrator."
    )
