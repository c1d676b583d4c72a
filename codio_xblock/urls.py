"""Versioned platform endpoints. In Open edX they live under /codio/ (plugin_app)."""

from django.urls import path

from . import views

app_name = "codio_xblock"

urlpatterns = [
    path("lti/v1/jwks", views.jwks, name="jwks"),
    path("lti/v1/auth", views.oidc_auth, name="oidc-auth"),
]
