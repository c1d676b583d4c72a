"""Stand-in for common/djangoapps/xblock_django/user_service.py DjangoXBlockUserService:
``full_name`` is ``UserProfile.name`` (None without a profile), the ids in ``opt_attrs``, and
the whitelisted preferences (USER_PREFERENCES_WHITE_LIST) under ``user_preferences``."""

from openedx.core.djangoapps.user_api.preferences.api import get_user_preferences
from xblock.reference.user_service import UserService, XBlockUser

USER_PREFERENCES_WHITE_LIST = ["pref-lang", "time_zone"]


class DjangoXBlockUserService(UserService):
    def __init__(self, django_user, **kwargs):
        super().__init__()
        self._django_user = django_user
        self._user_is_staff = kwargs.get("user_is_staff", False)
        self._user_role = kwargs.get("user_role", "student")

    def get_current_user(self):
        user = self._django_user
        xblock_user = XBlockUser(is_current_user=True)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            xblock_user.full_name = profile.name if profile is not None else None
            xblock_user.emails = [user.email]
            xblock_user.opt_attrs["edx-platform.is_authenticated"] = True
            xblock_user.opt_attrs["edx-platform.user_id"] = user.id
            xblock_user.opt_attrs["edx-platform.username"] = user.username
            xblock_user.opt_attrs["edx-platform.user_is_staff"] = self._user_is_staff
            xblock_user.opt_attrs["edx-platform.user_role"] = self._user_role
            preferences = get_user_preferences(user)
            xblock_user.opt_attrs["edx-platform.user_preferences"] = {
                pref: preferences.get(pref)
                for pref in USER_PREFERENCES_WHITE_LIST
                if pref in preferences
            }
        else:
            xblock_user.opt_attrs["edx-platform.is_authenticated"] = False
        return xblock_user
