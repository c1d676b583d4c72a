"""The demo's stand-in for Open edX's modulestore branches (xmodule/modulestore/split_draft,
lms/envs/common.py ``MODULESTORE_BRANCH``): course content has a draft, which Studio reads
and writes, and a published version, which is all the LMS ever reads.

The workbench keeps every field of a block in one key-value store; this store keeps a second,
draft copy of the authored fields (``Scope.content`` and ``Scope.settings``) in rows of their
own (user ``__draft__``). On the draft branch (Studio's requests, demo/origins.py) a read
finds the draft value, else the published one, and a write goes to the draft; on the
published branch (the LMS's) only published values exist. :func:`publish` makes a block's
draft its published version, as Studio's "Publish" does. Learners' state (user scopes) has
no branches. A block added in Studio and never published (:func:`mark_never_published`)
exists on the draft branch only: the LMS answers 404 for it, as edx-platform's
published-only modulestore raises ItemNotFoundError.
"""

import contextlib
import json
import threading

from workbench.models import XBlockState
from workbench.runtime import WorkbenchDjangoKeyValueStore
from xblock.fields import Scope
from xblock.runtime import KeyValueStore, KvsFieldData

DRAFT_USER = "__draft__"
# A block added in Studio and never published has this row: the LMS has no such block.
NEVER_PUBLISHED_USER = "__never_published__"
PUBLISHED_ONCE_USER = "__published__"
AUTHORED = (Scope.content, Scope.settings)
_local = threading.local()


@contextlib.contextmanager
def branch(name):
    """Requests on Studio's origin read and write the draft (``"draft"``); the LMS's read
    the published version (``"published"``)."""
    previous = current_branch()
    _local.branch = name
    try:
        yield
    finally:
        _local.branch = previous


def current_branch():
    return getattr(_local, "branch", "published")


def _draft(key):
    return KeyValueStore.Key(
        scope=key.scope,
        user_id=DRAFT_USER,
        block_scope_id=key.block_scope_id,
        field_name=key.field_name,
    )


def _drafting(key):
    return key.scope in AUTHORED and current_branch() == "draft"


class BranchingKeyValueStore(WorkbenchDjangoKeyValueStore):
    def get(self, key):
        if _drafting(key) and super().has(_draft(key)):
            return super().get(_draft(key))
        return super().get(key)

    def set(self, key, value):
        super().set(_draft(key) if _drafting(key) else key, value)

    def delete(self, key):
        if _drafting(key):
            if super().has(_draft(key)):
                super().delete(_draft(key))
            return
        super().delete(key)

    def has(self, key):
        return (_drafting(key) and super().has(_draft(key))) or super().has(key)


STORE = BranchingKeyValueStore()


class BranchingFieldData(KvsFieldData):
    """The workbench's ``field-data`` service on :data:`STORE` (settings WORKBENCH
    ``services``)."""

    def __init__(self):
        super().__init__(STORE)


def _scope_ids(usage_id):
    """The block's settings (by usage) and content (by definition) rows."""
    from workbench.runtime import ID_MANAGER

    return [usage_id, ID_MANAGER.get_definition_id(usage_id)]


def has_draft(usage_id):
    """Whether the block has changes not yet published (or was never published)."""
    return not is_published(usage_id) or any(
        json.loads(row.state)
        for row in XBlockState.objects.filter(user_id=DRAFT_USER, scope_id__in=_scope_ids(usage_id))
    )


def mark_never_published(usage_id):
    """The block exists in Studio's draft only (added there, never published), unless it
    was published already."""
    if not XBlockState.objects.filter(scope_id=usage_id, user_id=PUBLISHED_ONCE_USER).exists():
        XBlockState.objects.get_or_create(
            scope=None, scope_id=usage_id, user_id=NEVER_PUBLISHED_USER
        )


def is_published(usage_id):
    return not XBlockState.objects.filter(scope_id=usage_id, user_id=NEVER_PUBLISHED_USER).exists()


def publish(usage_id):
    """Studio's "Publish": the block's draft becomes what the LMS shows."""
    from django.db import transaction

    with transaction.atomic():
        for draft in XBlockState.objects.select_for_update().filter(
            user_id=DRAFT_USER, scope_id__in=_scope_ids(usage_id)
        ):
            published, _ = XBlockState.objects.get_or_create(
                scope=draft.scope,
                scope_id=draft.scope_id,
                user_id=None,
                scenario=draft.scenario,
                tag=draft.tag,
            )
            values = json.loads(published.state)
            values.update(json.loads(draft.state))
            published.state = json.dumps(values, indent=2, sort_keys=True)
            published.save(update_fields=["state"])
            draft.delete()
        XBlockState.objects.filter(scope_id=usage_id, user_id=NEVER_PUBLISHED_USER).delete()
        XBlockState.objects.get_or_create(
            scope=None, scope_id=usage_id, user_id=PUBLISHED_ONCE_USER
        )
