"""The interface's language: Qt's translation system, the language remembered, fonts with CJK glyphs.

Every user-visible text goes through ``tr(text)``: ``pyside6-lupdate`` finds these calls (and
``QT_TR_NOOP(text)``, a text kept to translate later) and writes ``resources/i18n/graphstudio_<language>.ts``,
all in one context, the empty one; ``pyside6-lrelease`` compiles it to the ``.qm`` loaded here
(``python -m graphstudio.ui.i18n`` runs both). A text set once on a widget is set
through ``live(owner, apply)``, which applies it again whenever the language changes, so
View › Language switches at once, without a restart. The first start follows the system locale;
the choice is then remembered in the settings. The headless CLI never comes here: it stays English.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

import graphstudio

ENGLISH = "en"
#: The languages offered, each named in itself.
LANGUAGES = {ENGLISH: "English", "zh_CN": "简体中文"}
SETTINGS_KEY = "language"
CATALOG_DIR = Path(graphstudio.__file__).resolve().parents[1] / "resources" / "i18n"
#: Fonts with the Chinese glyphs, preferred in this order where the primary font lacks them (Linux,
#: Windows, macOS); one of them is on every fresh install but a bare Linux (there: fonts-noto-cjk).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei UI", "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC")

#: Said, in English, where the interface is Chinese but no installed font has Chinese glyphs: in
#: Chinese it would show as empty boxes.
NO_CJK_FONT = ("No installed font has Chinese characters, so Chinese shows as boxes: install one "
               "(Linux: fonts-noto-cjk or fonts-wqy-microhei) or choose View › Language › English")

_current = ENGLISH
_chosen = False
_translators: list[QTranslator] = []
_live: list[tuple[QObject, Callable[[], None]]] = []


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``text`` in the interface's language (``n`` picks a plural form where the text has ``%n``)."""
    return QCoreApplication.translate("", text, disambiguation, n)


def language() -> str:
    """The interface's language now: ``"en"`` or ``"zh_CN"``."""
    return _current


def ts_path(language_: str) -> Path:
    return CATALOG_DIR / f"graphstudio_{language_}.ts"


def qm_path(language_: str) -> Path:
    return ts_path(language_).with_suffix(".qm")


def initial_language(settings: QSettings, system: QLocale | None = None) -> str:
    """The language remembered in ``settings``, or on first start the one of the system locale."""
    stored = settings.value(SETTINGS_KEY)
    if stored in LANGUAGES:
        return str(stored)
    name = (system or QLocale.system()).name()
    if name in LANGUAGES:
        return name
    return "zh_CN" if name.startswith("zh") else ENGLISH


def start(settings: QSettings) -> None:
    """Choose the language once per process: the remembered one, or the system's on a first start;
    nothing when it was chosen already (another window, ``--lang``)."""
    if not _chosen:
        set_language(initial_language(settings))


def set_language(language_: str, settings: QSettings | None = None) -> None:
    """Switch the interface to ``language_`` now, everywhere, and remember it in ``settings``."""
    global _current, _chosen
    if language_ not in LANGUAGES:
        raise ValueError(f"unknown language {language_!r} (one of {', '.join(LANGUAGES)})")
    app = QCoreApplication.instance()
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    if language_ != ENGLISH:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{language_}", qt_dir), (qm_path(language_).stem, str(CATALOG_DIR))):
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                _translators.append(translator)
    _current, _chosen = language_, True
    if settings is not None:
        settings.setValue(SETTINGS_KEY, language_)
    if isinstance(app, QApplication):
        use_cjk_fallback(app)
    for owner, apply in list(_live):
        if shiboken6.isValid(owner):
            apply()
        else:
            _live.remove((owner, apply))


def live(owner: QObject, apply: Callable[[], None]) -> None:
    """Run ``apply`` (which sets some of ``owner``'s texts) now, and again at every change of language
    for as long as ``owner`` lives."""
    apply()
    _live.append((owner, apply))
    owner.destroyed.connect(lambda *_: _forget(apply))


def _forget(apply: Callable[[], None]) -> None:
    for entry in [e for e in _live if e[1] is apply]:
        _live.remove(entry)


def use_cjk_fallback(app: QApplication) -> None:
    """Let every font of the interface fall back to a font with Chinese glyphs (no tofu boxes)."""
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()  # the Code dock's
    for family in {app.font().family(), QFont("monospace").family(), fixed}:
        known = {f.lower() for f in QFont.substitutes(family)}
        QFont.insertSubstitutions(family, [f for f in CJK_FONTS if f.lower() not in known])


def cjk_font_installed() -> bool:
    """Whether any installed font has the Chinese glyphs (a bare Linux may have none)."""
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def lupdate(ts: Path) -> list[str]:
    """The command that brings the catalog ``ts`` up to date with the editor's code (no line numbers
    kept, so it changes only when a text does)."""
    sources = sorted(str(p) for p in Path(__file__).parent.rglob("*.py"))
    return ["pyside6-lupdate", "-no-obsolete", "-locations", "none", *sources, "-ts", str(ts)]


def lrelease(ts: Path, qm: Path) -> list[str]:
    """The command that compiles the catalog ``ts`` to ``qm``."""
    return ["pyside6-lrelease", str(ts), "-qm", str(qm)]


def update_catalogs() -> None:
    """Regenerate the catalogs from the code: lupdate the .ts of every language, lrelease the .qm."""
    import subprocess  # a maintainer's command: the editor does not pay for it at start-up

    for language_ in LANGUAGES:
        if language_ != ENGLISH:
            subprocess.run(lupdate(ts_path(language_)), check=True)
            subprocess.run(lrelease(ts_path(language_), qm_path(language_)), check=True)


if __name__ == "__main__":
    update_catalogs()
