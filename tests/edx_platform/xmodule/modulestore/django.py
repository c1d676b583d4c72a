"""Stand-in for xmodule/modulestore/django.py ``modulestore()`` with the branches Open edX
has (xmodule/modulestore/split_mongo/split_draft.py): course content has a draft, which
Studio reads and writes (``MODULESTORE_BRANCH = 'draft-preferred'`` in cms/envs), and a
published version, all the LMS ever reads (``'published-only'`` in lms/envs). Tests put
published blocks in ``BLOCKS`` and blocks that exist in Studio only (added, never published)
in ``DRAFTS``. ``get_item`` returns the block or raises ItemNotFoundError, as the branch of
the running service (Studio: ROOT_URLCONF ``cms.urls``) sees it; ``get_parent_location``
reads the course tree from ``PARENTS`` (usage key -> parent's)."""

from .exceptions import ItemNotFoundError

BLOCKS = {}
DRAFTS = {}
PARENTS = {}
UPDATES = []


def _studio():
    from django.conf import settings

    return str(getattr(settings, "ROOT_URLCONF", "")).startswith("cms.")


class _ModuleStore:
    def get_item(self, usage_key, depth=0, **kwargs):
        key = str(usage_key)
        if _studio() and key in DRAFTS:
            return DRAFTS[key]
        try:
            return BLOCKS[key]
        except KeyError:
            raise ItemNotFoundError(usage_key) from None

    def get_parent_location(self, location, **kwargs):
        return PARENTS.get(str(location))

    def update_item(self, xblock, user_id, **kwargs):
        """Saves the block's fields to the branch of the running service: the draft in
        Studio; in the LMS, the published version, behind Studio's back."""
        xblock.save()
        UPDATES.append((str(xblock.scope_ids.usage_id), user_id))
        (DRAFTS if _studio() else BLOCKS)[str(xblock.scope_ids.usage_id)] = xblock
        return xblock


def modulestore():
    return _ModuleStore()


class XBlockI18nService:
    """Stand-in for xmodule/modulestore/django.py XBlockI18nService: the block's own catalog
    (OEP-58 atlas directory, else ``<package>/translations/<locale>/LC_MESSAGES/text.mo``),
    else Django's translation, where edx-platform's strings win (``ATLAS_ROOT`` stands for
    ``settings.REPO_ROOT / 'conf/plugins-locale/xblock.v1'``)."""

    ATLAS_ROOT = None

    def __init__(self, block=None):
        import gettext

        import django.utils.translation
        from django.conf import settings
        from django.utils.translation import get_language, to_locale

        self.translator = django.utils.translation
        if block is not None:
            domain, locale_dir = self.get_python_locale(block)
            language = get_language() or settings.LANGUAGE_CODE
            try:
                self.translator = gettext.translation(domain, locale_dir, [to_locale(language)])
            except OSError:
                pass

    def get_python_locale(self, block):
        import importlib.resources
        from pathlib import Path

        cls = getattr(block, "unmixed_class", block.__class__)
        module = cls.__module__.split(".")[0]
        if self.ATLAS_ROOT and (Path(self.ATLAS_ROOT) / module).is_dir():
            return "django", str(Path(self.ATLAS_ROOT) / module)
        with importlib.resources.as_file(importlib.resources.files(module) / "translations") as p:
            return "text", str(p)

    def __getattr__(self, name):
        return getattr(self.translator, "gettext" if name == "ugettext" else name)
