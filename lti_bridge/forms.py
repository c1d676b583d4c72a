from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from . import conf


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
