"""Stand-in for openedx/core/djangoapps/user_api/preferences/api.py get_user_preferences:
every preference of the user, as a dict of key to value."""


def get_user_preferences(requesting_user, username=None):
    from tests.openedx_standin.models import UserPreference

    user_id = requesting_user.pk
    if username is not None:
        from django.contrib.auth import get_user_model

        user_id = get_user_model().objects.get(username=username).pk
    return dict(UserPreference.objects.filter(user_id=user_id).values_list("key", "value"))
