"""Versioned platform endpoints. In Open edX they live under /codio/ (plugin_app).

Every one carries the headers of :mod:`.responses` (nosniff, and caching fit for it)."""

from django.urls import path

from . import ags_views, nrps_views, views
from .responses import NO_STORE, PUBLIC_KEYS, protocol_headers

app_name = "codio_xblock"


def endpoint(view, cache_control=NO_STORE):
    return protocol_headers(cache_control)(view)


urlpatterns = [
    path("lti/v1/jwks", endpoint(views.jwks, PUBLIC_KEYS), name="jwks"),
    path("lti/v1/auth", endpoint(views.oidc_auth), name="oidc-auth"),
    path(
        "lti/v1/deep-linking/response",
        endpoint(views.deep_linking_response),
        name="deep-linking-response",
    ),
    path("lti/v1/token", endpoint(ags_views.token), name="token"),
    path(
        "lti/v1/ags/contexts/<int:pk>/lineitems",
        endpoint(ags_views.line_items),
        name="ags-lineitems",
    ),
    path("lti/v1/ags/lineitems/<int:pk>", endpoint(ags_views.line_item), name="ags-lineitem"),
    path("lti/v1/ags/lineitems/<int:pk>/scores", endpoint(ags_views.scores), name="ags-scores"),
    path("lti/v1/ags/lineitems/<int:pk>/results", endpoint(ags_views.results), name="ags-results"),
    path(
        "lti/v1/nrps/contexts/<int:pk>/memberships",
        endpoint(nrps_views.memberships),
        name="nrps-memberships",
    ),
]
