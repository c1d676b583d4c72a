"""Stand-in for lms/djangoapps/grades/constants.py."""


class ScoreDatabaseTableEnum:
    """The various database tables that store scores."""

    courseware_student_module = "csm"
    submissions = "submissions"
    overrides = "overrides"
