"""The LMS runs every view in one transaction (ATOMIC_REQUESTS); the plugin's views that
manage their own transactions opt out, or their retries and after-commit work break."""

import pytest
from django.urls import resolve

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path",
    [
        "/codio/lti/v1/ags/lineitems/1/scores",
        "/codio/lti/v1/token",  # fetches the tool's key set: no transaction held meanwhile
        "/codio/lti/v1/deep-linking/response",  # the same
    ],
)
def test_platform_views_managing_their_own_transactions_are_non_atomic(path):
    assert "default" in getattr(resolve(path).func, "_non_atomic_requests", set()), path
