"""Signals codio_xblock sends for others in the same process to hear.

``LTI_SUBJECT_RETIRED`` (``issuer``, ``sub``): the LMS retired a user (Open edX's retirement
pipeline, or the user's deletion outside Open edX) and this platform erased its records of
them. A tool running in the same process (the built-in bridge) erases what it holds for
that LMS identity; a tool elsewhere cannot be told over LTI and is left to its operator.
"""

from django.dispatch import Signal

LTI_SUBJECT_RETIRED = Signal()
