"""Erasing what the platform keeps about a user the LMS retires.

Inside Open edX the adapter hears ``USER_RETIRE_LMS_CRITICAL``; outside it the standalone
adapter hears the user's deletion. Either way :func:`retire_platform_user` deletes every
platform record of the user (the opaque ``sub``, the launches into blocks, the AGS scores
and comments, the standalone gradebook) and then announces the retired ``sub`` so a tool in
the same process can erase its side. Open edX's own gradebook rows (the CSM) are retired by
the LMS itself.
"""

import logging

from django.db import transaction

from . import conf
from .signals import LTI_SUBJECT_RETIRED

log = logging.getLogger(__name__)


def retire_platform_user(user_key):
    from .models import (
        AgsScore,
        BlockLaunch,
        DeepLinkingChoice,
        PlatformSubject,
        StandaloneScore,
        StudioLaunch,
    )

    user_key = str(user_key)
    with transaction.atomic():
        subject = PlatformSubject.objects.filter(user_key=user_key).first()
        AgsScore.objects.filter(user_key=user_key).delete()
        BlockLaunch.objects.filter(user_key=user_key).delete()
        StandaloneScore.objects.filter(user_key=user_key).delete()
        DeepLinkingChoice.objects.filter(user_key=user_key).delete()
        StudioLaunch.objects.filter(user_key=user_key).delete()
        if subject is not None:
            sub = subject.sub
            subject.delete()
            transaction.on_commit(
                lambda: LTI_SUBJECT_RETIRED.send(
                    sender=PlatformSubject, issuer=conf.platform_issuer(), sub=sub
                )
            )
    log.info("Retired platform user %s", user_key)
