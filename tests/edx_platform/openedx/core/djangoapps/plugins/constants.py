"""Stand-in for openedx/core/djangoapps/plugins/constants.py."""


class ProjectType:
    """The entry point groups of Open edX's Django app plugins."""

    LMS = "lms.djangoapp"
    CMS = "cms.djangoapp"
