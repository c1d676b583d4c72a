"""The organization's "LTI Integrations" settings page (organization administrators only)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import conf, notices, permissions
from ..flows import org_settings
from ..forms import OrganizationSettingsForm
from ..models import Organization
from ..pages import render_page
from .account import current_account


@require_http_methods(["GET", "POST"])
def lti_integrations(request, org_id):
    organization = get_object_or_404(Organization, pk=org_id)
    account = current_account(request)
    if not permissions.administers(account, organization):
        raise Http404  # the page of another organization is not revealed
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        changed = org_settings.update(organization, form, by=account)
        if "lti_id_field" in changed:
            notices.info(
                request,
                _(
                    "The LTI ID field is now “%(field)s”. It applies from each learner's "
                    "next launch; until then exports show the value their last launch gave."
                )
                % {"field": organization.lti_id_field or _("(none)")},
            )
        notices.success(request, _("Settings saved.") if changed else _("Nothing changed."))
        return redirect("lti_bridge:lti-integrations", org_id=organization.pk)
    organization.refresh_from_db()  # a refused form shows the stored values beside it
    return render_page(
        request,
        "lti_bridge/lti_integrations.html",
        {
            "organization": organization,
            "account": account,
            "form": form,
            "registrations": organization.registrations.prefetch_related("deployments").order_by(
                "name"
            ),
            "tool_urls": {
                _("Login URL"): conf.absolute("lti_bridge:login"),
                _("Launch (redirect) URL"): conf.absolute("lti_bridge:launch"),
                _("Public key set URL"): conf.absolute("lti_bridge:jwks"),
            },
            "awaiting": org_settings.links_awaiting_lti_id(organization).count(),
            "changes": [
                (change, form.fields[change.field].label if change.field in form.fields else "")
                for change in organization.changes.all()[:50]
            ],
        },
        status=400 if form.errors else 200,
    )
