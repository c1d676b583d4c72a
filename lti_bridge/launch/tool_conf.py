"""pylti1p3's tool configuration, read from our Registration and Deployment models."""

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration as LtiRegistration
from pylti1p3.tool_config import ToolConfAbstract

from .. import keys
from ..models import Deployment, Registration


class _Registration(LtiRegistration):
    """pylti1p3's registration, with the tool's private key read only when asked for.

    A launch never signs anything with it (deep linking responses and AGS calls are signed
    by the bridge's own code): loading it at every launch cost a query for nothing."""

    def get_tool_private_key(self):
        return keys.signing_key().private_pem


class DatabaseToolConf(ToolConfAbstract):
    """Registrations by (issuer, client_id); deployments by registration."""

    def __init__(self):
        super().__init__()
        self.registration_model = None  # the model row behind the last lookup

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def find_registration_by_issuer(self, iss, *args, **kwargs):  # pragma: no cover
        raise NotImplementedError("registrations are looked up by issuer and client id")

    def _model(self, iss, client_id):
        if not iss or not client_id:
            return None
        return (
            Registration.objects.active()
            .select_related("organization")
            .filter(issuer=iss, client_id=client_id)
            .first()
        )

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        model = self._model(iss, client_id)
        if model is None:
            return None
        self.registration_model = model
        registration = (
            _Registration()
            .set_issuer(model.issuer)
            .set_client_id(model.client_id)
            .set_auth_login_url(model.auth_login_url)
            .set_auth_token_url(model.auth_token_url)
            .set_auth_audience(model.auth_audience or None)
            .set_key_set_url(model.key_set_url or None)
            .set_key_set(model.key_set or None)
        )
        return registration

    def find_deployment(self, iss, deployment_id):  # pragma: no cover
        raise NotImplementedError

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        if not deployment_id:
            return None
        found = Deployment.objects.filter(
            registration__issuer=iss,
            registration__client_id=client_id,
            registration__enabled=True,
            deployment_id=deployment_id,
        ).exists()
        return LtiDeployment().set_deployment_id(deployment_id) if found else None
