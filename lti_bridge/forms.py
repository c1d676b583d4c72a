from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from . import conf
from .identity import LTI_ID_FIELD
from .models import Organization


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput, max_length=4096
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput, max_length=4096
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput, max_length=4096
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        if data.get("password1"):
            validators = password_validation.get_default_password_validators() or (
                password_validation.get_password_validators(conf.get("PASSWORD_VALIDATORS"))
            )
            password_validation.validate_password(data["password1"], password_validators=validators)
        return data


ORGANIZATION_SETTINGS = ("lti_id_field", "learner_email_policy", "release_automatically")


class OrganizationSettingsForm(forms.ModelForm):
    """The organization's LTI Integrations settings (saved by flows.org_settings.update)."""

    class Meta:
        model = Organization
        fields = ORGANIZATION_SETTINGS
        labels = {
            "lti_id_field": _("LTI field that identifies students"),
            "learner_email_policy": _("Learner accounts"),
            "release_automatically": _("Release grades automatically in new classes"),
        }

    def clean_lti_id_field(self):
        value = (self.cleaned_data.get("lti_id_field") or "").strip()
        if value and not LTI_ID_FIELD.match(value):
            raise forms.ValidationError(
                _(
                    "Give the name of a custom LTI parameter: letters, digits, '_', '.' "
                    "or '-', at most 100 characters (for example student_number)."
                )
            )
        return value
