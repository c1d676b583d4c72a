"""Stand-in for openedx/core/djangoapps/django_comment_common/models.py (forum roles)."""

from tests.openedx_standin.models import ForumRole as Role  # noqa: F401

FORUM_ROLE_ADMINISTRATOR = "Administrator"
FORUM_ROLE_MODERATOR = "Moderator"
FORUM_ROLE_GROUP_MODERATOR = "Group Moderator"
FORUM_ROLE_COMMUNITY_TA = "Community TA"
FORUM_ROLE_STUDENT = "Student"
