"""A bare pylti1p3 tool: the baseline the bridge's launch is compared with (issue 15).

The library's documented Django flow and nothing more: ``DjangoOIDCLogin`` redirects to the
platform, ``DjangoMessageLaunch`` validates the id_token (key set cached in Django's cache,
as pylti1p3's README recommends) and the page greets the user. No accounts, roles, classes
or units: what the bridge does beyond this is what the ratio prices.

It is registered on the platform as the tool ``bare`` (``register()``), launched by the
workbench scenario ``bench_bare`` (benchmarks/urls.py).
"""

from functools import lru_cache

import requests
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.tool_config import ToolConfDict

CLIENT_ID = "bare-pylti1p3-tool"
DEPLOYMENT_ID = "1"
MARKER = 'data-testid="bare-launch"'


@lru_cache(maxsize=1)
def tool_conf():
    from lti_bridge.protocol.keys import generate_private_pem

    issuer = settings.CODIO_XBLOCK["PLATFORM_ISSUER"]
    conf = ToolConfDict(
        {
            issuer: [
                {
                    "default": True,
                    "client_id": CLIENT_ID,
                    "auth_login_url": issuer + "/codio/lti/v1/auth",
                    "auth_token_url": issuer + "/codio/lti/v1/token",
                    "key_set_url": issuer + "/codio/lti/v1/jwks",
                    "deployment_ids": [DEPLOYMENT_ID],
                }
            ]
        }
    )
    conf.set_private_key(issuer, generate_private_pem(), client_id=CLIENT_ID)
    return conf


class _Session(requests.Session):
    """pylti1p3's key set fetch sends no timeout; every outbound call here has one."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", (3.05, 10))
        return super().request(*args, **kwargs)


_session = _Session()


def _storage():
    return DjangoCacheDataStorage(cache_name="default")


# Outside the LMS's per-request transaction (ATOMIC_REQUESTS): a bare tool has none, and on
# SQLite it would hold the write lock while the library fetches the key set from this server.
@transaction.non_atomic_requests
@csrf_exempt
def login(request):
    oidc = DjangoOIDCLogin(request, tool_conf(), launch_data_storage=_storage())
    return oidc.redirect(request.build_absolute_uri("/bare/launch"))


@transaction.non_atomic_requests
@csrf_exempt
def launch(request):
    storage = _storage()
    message = DjangoMessageLaunch(
        request, tool_conf(), launch_data_storage=storage, requests_session=_session
    )
    message.set_public_key_caching(storage, cache_lifetime=7200)
    data = message.get_launch_data()
    return HttpResponse(
        f"<!doctype html><title>Bare tool</title><p {MARKER}>Hello, "
        f"{escape(data.get('name', 'learner'))}</p>"
    )


urlpatterns = [path("login", login), path("launch", launch)]


def register(base_url):
    """The platform's registration of this tool (the block's ``tool="bare"``)."""
    from codio_xblock.models import ToolRegistration

    ToolRegistration.objects.update_or_create(
        slug="bare",
        defaults={
            "name": "Bare pylti1p3 tool (benchmark baseline)",
            "client_id": CLIENT_ID,
            "deployment_id": DEPLOYMENT_ID,
            "oidc_login_url": base_url + "/bare/login",
            "launch_url": base_url + "/bare/launch",
            "redirect_uris": base_url + "/bare/launch",
        },
    )
