"""The organization's "LTI Integrations" settings: validated changes, each audited.

Registrations themselves (issuer, client id, keys) are shown on the page but changed only in
the Django admin or by ``lti_bridge_register_platform``: they decide whose launches are
trusted, which is an operator's job.
"""

from django.db import transaction

from ..forms import ORGANIZATION_SETTINGS as AUDITED
from ..models import Link, Organization, OrganizationChange


def _shown(organization, field):
    value = getattr(organization, field)
    if field == "learner_email_policy":
        return str(Organization.EmailPolicy(value).label)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@transaction.atomic
def update(organization, form, by):
    """Save a valid form; one audit row per changed setting (who, when, old, new).
    Returns the names of the fields that changed."""
    before = Organization.objects.select_for_update().get(pk=organization.pk)
    if not any(getattr(before, f) != form.cleaned_data[f] for f in AUDITED):
        return []
    return record(before, form.save(), by=by)


def record(before, after, *, by=None, by_name=""):
    """Write the audit rows for the settings that differ between two states of an
    organization (the page, and the Django admin). Returns the changed field names."""
    changed = [f for f in AUDITED if getattr(before, f) != getattr(after, f)]
    OrganizationChange.objects.bulk_create(
        OrganizationChange(
            organization=after,
            changed_by=by,
            changed_by_name=by_name or (by.display_name() if by else ""),
            field=field,
            old_value=_shown(before, field),
            new_value=_shown(after, field),
        )
        for field in changed
    )
    return changed


def links_awaiting_lti_id(organization):
    """Links whose LTI ID still comes from another field than the current one (they are
    updated at their next launch)."""
    return Link.objects.filter(registration__organization=organization).exclude(
        lti_id_field=organization.lti_id_field
    )
