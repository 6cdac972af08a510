"""The words of the interface in each language: menus, headings, labels and badges,
from gettext message catalogues (``locales/<lang>/LC_MESSAGES/messages.po``).

Catalogues are read as .po and compiled in memory, once per process and language, so
there is no compiled file to forget to update. The built-in ones (English, French,
German) live in the package; a site adds a language, or rewords some messages, with
its own ``locales/`` folder at its top, whose messages win over the built-in ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations
from markupsafe import Markup

from ..config import CONFIG_NAME, Site
from ..problems import Problem, display_path

BUILTIN_LOCALES = Path(__file__).resolve().parents[1] / "locales"
SITE_LOCALES = "locales"  # the folder at a site's top
DOMAIN = "messages"
PLACEHOLDER_NAME = re.compile(r"%\((\w+)\)")


def N_(message: str) -> str:
    """Marks a message for extraction (``pybabel extract -k N_``) where it is defined;
    it is translated where it is shown, through ``Interface.gettext``."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """``N_`` for a message with a context (``-k NP_:1c,2``), for a word that reads
    differently in two places ('other' as a role, and as a way of deciding)."""
    return (context, message)


@dataclass(frozen=True, eq=False)
class Interface:
    """The interface in one language: its code ('fr'), its Babel locale and its
    messages. Templates get its gettext and ngettext; views word labels through it."""

    code: str
    locale: Locale
    translations: Translations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return str(self.translations.pgettext(context, message))

    def template_globals(self) -> dict[str, Callable[..., Markup]]:
        """``_``, ``gettext`` and ``ngettext`` for templates, as Jinja's newstyle gettext
        makes them (the message safe, its ``%`` placeholders filled with escaped values),
        but plain functions: Jinja's own go through three context calls each, and a page
        asks for a dozen messages or more."""
        translations = self.translations

        def gettext(message: str, **variables: object) -> Markup:
            text = Markup(translations.gettext(message))
            # '%' absent, formatting with the variables changes nothing
            return text % variables if "%" in text else text

        def ngettext(singular: str, plural: str, num: int, **variables: object) -> Markup:
            variables.setdefault("num", num)
            return Markup(translations.ngettext(singular, plural, num)) % variables

        return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def catalogue_path(folder: Path, code: str) -> Path | None:
    """The catalogue of ``code`` in a ``locales`` folder: the tag's own ('pt_BR'), else
    its language's ('pt'); None when there is neither."""
    tag = code.replace("-", "_")
    for name in (tag, tag.split("_")[0]):
        path = folder / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def read_catalogue(path: Path, code: str) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=code.replace("-", "_"), domain=DOMAIN, abort_invalid=True)


def catalogue_folders(site: Site) -> list[Path]:
    """The ``locales`` folders a build of ``site`` reads: the built-in one, then the
    site's own (whose messages win). The preview watches both."""
    return [BUILTIN_LOCALES, site.root / SITE_LOCALES]


def interface(code: str, site_locales: Path | None = None) -> Interface:
    """The interface in ``code``: the built-in catalogue, with the site's own (from its
    ``locales`` folder, if given) laid over it. A language with neither shows the
    English messages; ``catalogue_problems`` reports it before any build gets here.
    Read once per process, and again when either catalogue changes (the preview)."""
    builtin = catalogue_path(BUILTIN_LOCALES, code)
    own = catalogue_path(site_locales, code) if site_locales is not None else None
    return _interface(code, builtin, _version(builtin), own, _version(own))


def _version(path: Path | None) -> tuple[int, int] | None:
    """What tells an edited catalogue from the one read before."""
    if path is None:
        return None
    found = path.stat()
    return found.st_mtime_ns, found.st_size


@lru_cache(maxsize=32)
def _interface(
    code: str,
    builtin: Path | None,
    _builtin_version: tuple[int, int] | None,
    own: Path | None,
    _own_version: tuple[int, int] | None,
) -> Interface:
    catalogue: Catalog | None = None
    if builtin is not None:
        catalogue = read_catalogue(builtin, code)
    if own is not None:
        overlay = read_catalogue(own, code)
        if catalogue is None:
            catalogue = overlay
        else:
            for message in overlay:
                if message.id and message.string and not message.fuzzy:
                    catalogue.delete(message.id, message.context)  # setting merges, not replaces
                    catalogue[message.id] = message
    translations = Translations(domain=DOMAIN)
    if catalogue is not None:
        compiled = BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        translations = Translations(compiled, domain=DOMAIN)
    return Interface(code, Locale.parse(code.replace("-", "_")), translations)


ENGLISH = interface("en")


def catalogue_problems(site: Site) -> list[Problem]:
    """A listed language with no catalogue, built in or the site's, and a catalogue
    that cannot be read or would break a page: each a problem naming the file, the
    line and what to do. The built-in ones too: the preview reads them again when
    they are edited, and a broken one must be shown, not fail every rebuild."""
    problems = []
    folder = site.root / SITE_LOCALES
    for code in site.config.site_languages:
        builtin, own = catalogue_path(BUILTIN_LOCALES, code), catalogue_path(folder, code)
        for path in (builtin, own):
            if path is not None:
                problems += _catalogue_problems(path, code, display_path(path, site.root))
        if builtin is None and own is None:
            problems.append(
                Problem(
                    CONFIG_NAME,
                    _listed_on(site.config_path, code),
                    None,
                    f"language '{code}' has no interface catalogue (built in: "
                    f"{', '.join(builtin_languages())}): add "
                    f"{SITE_LOCALES}/{code.replace('-', '_')}/LC_MESSAGES/{DOMAIN}.po, "
                    "translated from the built-in messages.pot (see docs/languages.md)",
                )
            )
    return problems


def _catalogue_problems(path: Path, code: str, where: str) -> list[Problem]:
    try:
        catalogue = read_catalogue(path, code)
    except UnicodeDecodeError as exc:
        return [Problem(where, None, None, f"not UTF-8 text ({exc.reason}): save it as UTF-8")]
    except PoFileError as exc:
        # Babel counts lines from 0 and says where in the text too ("... on 2").
        reason = re.sub(r" on \d+$", "", str(exc))
        line = exc.lineno + 1 if exc.lineno else None
        fix = 'write each message as msgid "..." then msgstr "..."'
        return [Problem(where, line, None, f"{reason}: {fix} (see docs/languages.md)")]
    return [Problem(where, line, None, text) for line, text in message_problems(catalogue)]


class _AnyValue(dict[str, int]):
    """Stands in for any placeholder's value (a number suits both %(x)s and %(x)d)."""

    def __missing__(self, key: str) -> int:
        return 0


def message_problems(catalogue: Catalog) -> list[tuple[int | None, str]]:
    """Translations that would break the pages showing them, with their lines: every
    message is formatted with ``%`` (Jinja's newstyle gettext), so a placeholder the
    message does not give, or a lone '%', fails the page."""
    found = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        given = {name for text in ids for name in PLACEHOLDER_NAME.findall(text)}
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in (t for t in strings if t):
            unknown = sorted(set(PLACEHOLDER_NAME.findall(text)) - given)
            if unknown:
                allowed = ", ".join(f"%({name})s" for name in sorted(given)) or "none"
                found.append(
                    (
                        message.lineno,
                        f"the translation of '{ids[0]}' uses %({unknown[0]})s, which the "
                        f"message does not give: use only its own placeholders ({allowed})",
                    )
                )
                continue
            try:
                text % _AnyValue()
            except (ValueError, TypeError):
                found.append(
                    (
                        message.lineno,
                        f"the translation of '{ids[0]}' has a '%' that is no placeholder: "
                        "write %% for a percent sign",
                    )
                )
    return found


def builtin_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in BUILTIN_LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _listed_on(config_path: Path, code: str) -> int | None:
    """The line of site.yaml that lists ``code``, for the message's location."""
    try:
        lines = config_path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    keys = ("languages:", "language:")
    start = next((n for n, line in enumerate(lines) if line.startswith(keys)), None)
    if start is None:
        return None
    tag = re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])")
    listed = (n for n, line in enumerate(lines[start:], start + 1) if tag.search(line))
    return next(listed, None)
