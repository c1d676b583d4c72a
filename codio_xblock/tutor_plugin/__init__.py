"""The Tutor plugin (``tutor plugins enable codio``), shipped in the codio-xblock package.

It imports Tutor and the standard library only: Tutor loads it in its own environment, where
Django, XBlock and Celery are not installed.
"""
