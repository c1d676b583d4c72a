"""Stand-in for openedx/core/djangoapps/user_api/accounts/signals.py: the retirement
pipeline sends ``USER_RETIRE_LMS_CRITICAL.send(sender=..., user=user)`` (accounts/views.py),
then blanks the user's names and deactivates them."""

from django.dispatch import Signal

USER_RETIRE_MAILINGS = Signal()
USER_RETIRE_LMS_CRITICAL = Signal()
USER_RETIRE_LMS_MISC = Signal()
