"""The Django admin refuses impossible values with messages, and changes nothing."""

import pytest

from lti_bridge.models import Organization, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return Organization.objects.create(name="Org", slug="org")


@pytest.mark.parametrize(
    "values, message",
    [
        ({"max_points": "-5"}, "Ensure this value is greater than or equal to 0.01."),
        ({"max_points": "0"}, "Ensure this value is greater than or equal to 0.01."),
        ({"max_points": "100001"}, "Ensure this value is less than or equal to 100000."),
        ({"max_points": "ten"}, "Enter a number."),
        ({"title": "   "}, "This field is required."),
        ({"title": "\u00a0\u00a0"}, "This field is required."),
    ],
)
def test_a_unit_with_impossible_values_is_refused(admin_client, org, values, message):
    data = {
        "organization": org.pk,
        "code": "loops",
        "title": "Loops",
        "instructions": "",
        "max_points": "100",
        **values,
    }
    response = admin_client.post("/admin/lti_bridge/unit/add/", data)
    assert response.status_code == 200  # the form again, with the message
    assert message in response.content.decode()
    assert not Unit.objects.exists()


def test_an_organization_needs_a_name_that_says_something(admin_client):
    response = admin_client.post(
        "/admin/lti_bridge/organization/add/",
        {"name": "\u2003", "slug": "x", "learner_email_policy": "new_account", "lti_id_field": ""},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Organization.objects.exists()


def test_blank_titles_are_refused_outside_forms_too(org):
    """Forms strip spaces; commands and scripts that validate the model meet the validator."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        Unit(organization=org, code="x", title="\u00a0 ", max_points=-1).full_clean()
    assert refused.value.message_dict == {
        "title": ["This cannot be blank or only spaces."],
        "max_points": ["Ensure this value is greater than or equal to 0.01."],
    }


def test_good_values_are_saved(admin_client, org):
    response = admin_client.post(
        "/admin/lti_bridge/unit/add/",
        {
            "organization": org.pk,
            "code": "loops",
            "title": "Loops",
            "instructions": "",
            "max_points": "12.5",
        },
    )
    assert response.status_code == 302
    assert Unit.objects.get().max_points == 12.5
