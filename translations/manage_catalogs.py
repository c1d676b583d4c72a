"""Translation catalogs of the plugin.

Sources (.po) live here, in ``translations/<app>/<lang>/LC_MESSAGES/django.po``: translators
edit these. ``compile`` writes what each consumer reads:

* ``<app>/locale/<lang>/LC_MESSAGES/django.mo``: Django's catalogs of the installed apps;
* ``codio_xblock/translations/<lang>/LC_MESSAGES/text.mo``: the XBlock's own catalog, which
  Open edX's XBlockI18nService reads before Django's (xmodule/modulestore/django.py), so
  the block's words are never replaced by edx-platform's strings of the same msgid;
* ``codio_xblock/conf/locale/<lang>/LC_MESSAGES/django.po``: the OEP-58 source layout that
  the translation tooling (openedx-translations, atlas) extracts from.

    python translations/manage_catalogs.py extract   # refresh English, merge the others
    python translations/manage_catalogs.py compile   # .po -> <app>/locale/.../django.mo
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("codio_xblock", "lti_bridge")
HERE = ROOT / "translations"


def extract():
    for app in APPS:
        app_dir = ROOT / app
        (app_dir / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-P",  # not the app's folder on sys.path: lti_bridge/queue.py is no stdlib
                "-m",
                "django",
                "makemessages",
                "--locale",
                "en",
                "--no-obsolete",
                "--no-location",
                "--ignore",
                "migrations/*",
                "--ignore",
                "conf/*",
            ],
            cwd=app_dir,
            check=True,
        )
        source = app_dir / "locale" / "en" / "LC_MESSAGES" / "django.po"
        target = HERE / app / "en" / "LC_MESSAGES" / "django.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
        print(f"extracted {target.relative_to(ROOT)}")
        for other in sorted((HERE / app).glob("*/LC_MESSAGES/django.po")):
            if other != target:  # keep translated catalogs in step with the new strings
                subprocess.run(
                    [
                        "msgmerge",
                        "--quiet",
                        "--update",
                        "--backup=none",
                        "--no-fuzzy-matching",
                        str(other),
                        str(target),
                    ],
                    check=True,
                )
                print(f"merged {other.relative_to(ROOT)}")


XBLOCK_APP = "codio_xblock"


def _msgfmt(po, mo):
    mo.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)
    print(f"compiled {mo.relative_to(ROOT)}")


def compile_all():
    for po in sorted(HERE.glob("*/*/LC_MESSAGES/django.po")):
        app, lang = po.parts[-4], po.parts[-3]
        _msgfmt(po, ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.mo")
        if app == XBLOCK_APP:
            _msgfmt(po, ROOT / app / "translations" / lang / "LC_MESSAGES" / "text.mo")
            source = ROOT / app / "conf" / "locale" / lang / "LC_MESSAGES" / "django.po"
            source.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(po, source)
            print(f"copied {source.relative_to(ROOT)}")


if __name__ == "__main__":
    {"extract": extract, "compile": compile_all}[sys.argv[1]]()
