"""Versioned platform endpoints. In Open edX they live under /codio/ (plugin_app)."""

from django.urls import path

from . import ags_views, nrps_views, views

app_name = "codio_xblock"

urlpatterns = [
    path("lti/v1/jwks", views.jwks, name="jwks"),
    path("lti/v1/auth", views.oidc_auth, name="oidc-auth"),
    path("lti/v1/deep-linking/response", views.deep_linking_response, name="deep-linking-response"),
    path("lti/v1/token", ags_views.token, name="token"),
    path("lti/v1/ags/lineitems/<int:pk>", ags_views.line_item, name="ags-lineitem"),
    path("lti/v1/ags/lineitems/<int:pk>/container", ags_views.line_items, name="ags-lineitems"),
    path("lti/v1/ags/lineitems/<int:pk>/scores", ags_views.scores, name="ags-scores"),
    path("lti/v1/ags/lineitems/<int:pk>/results", ags_views.results, name="ags-results"),
    path(
        "lti/v1/nrps/contexts/<int:pk>/memberships",
        nrps_views.memberships,
        name="nrps-memberships",
    ),
]
