"""Field validators shared by the bridge's models (forms and the Django admin use them)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def not_blank(value):
    """A title or name must say something: spaces alone are refused."""
    if not str(value).strip():
        raise ValidationError(_("This cannot be blank or only spaces."), code="only_spaces")
