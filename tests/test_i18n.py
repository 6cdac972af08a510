"""The interface's message catalogues (site/i18n.py): the shipped ones complete and
well formed, the template (messages.pot) in step with the sources, a site's own
catalogues laid over the built-in ones, and pages rendered in French or German with
none of the English interface left on them."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import get_args

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

from clusterreports import ContentError, load_site_config
from clusterreports.config import Site
from clusterreports.content import models
from clusterreports.pipeline import Checked, check
from clusterreports.site.i18n import (
    BUILTIN_LOCALES,
    ENGLISH,
    Interface,
    interface,
    message_problems,
)
from clusterreports.site.render import Renderer
from clusterreports.site.views import SiteView, humanise
from clusterreports.site.views.labels import (
    DECISION_TEXTS,
    PARTS_HEADINGS,
    ROLE_TEXTS,
    TYPE_LABELS,
    VOCABULARY_LABELS,
)

from .conftest import ROOT, copy_site

SHIPPED = ("en", "fr", "de")
POT = BUILTIN_LOCALES / "messages.pot"
# `%(name)s` for Python's formatting, `{name}` for the search page's script.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def catalogue(code: str) -> Catalog:
    with (BUILTIN_LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=code)


def messages(found: Catalog) -> list[Message]:
    return [m for m in found if m.id]


def forms(message: Message) -> list[str]:
    string = message.string
    return list(string) if isinstance(string, tuple | list) else [string]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated(code: str) -> None:
    found = catalogue(code)
    untranslated = [m.id for m in messages(found) if not all(forms(m)) or m.fuzzy]
    assert untranslated == []
    assert found.num_plurals == get_plural(code).num_plurals


@pytest.mark.parametrize("code", SHIPPED)
def test_each_catalogue_compiles_without_errors(code: str) -> None:
    """What ``pybabel compile --statistics`` checks: Babel's own checkers (format
    placeholders, the number of plural forms) find nothing, and it compiles."""
    found = catalogue(code)
    assert [(m.id, [str(e) for e in errors]) for m, errors in found.check()] == []
    compiled = BytesIO()
    write_mo(compiled, found)
    compiled.seek(0)
    assert Translations(compiled).gettext("Events") == found["Events"].string


@pytest.mark.parametrize("code", SHIPPED)
def test_placeholders_are_kept_in_every_form(code: str) -> None:
    wrong = []
    for message in messages(catalogue(code)):
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        expected = set().union(*map(placeholders, ids))
        for form in forms(message):
            # a singular may leave its number out ('closes in one day'), nothing else
            if placeholders(form) not in (expected, expected - {"%(num)d"}):
                wrong.append((message.id, form))
    assert wrong == []


@pytest.mark.parametrize("code", SHIPPED)
def test_no_translation_breaks_a_page(code: str) -> None:
    assert message_problems(catalogue(code)) == []


@pytest.mark.parametrize("code", SHIPPED)
def test_plural_messages_have_a_form_for_each_plural_form(code: str) -> None:
    found = catalogue(code)
    plurals = [m for m in messages(found) if m.pluralizable]
    assert plurals, "the catalogue has plural messages"
    assert all(len(forms(m)) == found.num_plurals for m in plurals)
    assert found.num_plurals == {"en": 2, "de": 2, "fr": 3}[code]


def test_english_catalogue_says_each_message_as_written() -> None:
    assert all(m.string == m.id for m in messages(catalogue("en")))


def test_plural_forms_are_chosen_by_the_language() -> None:
    english, french, german = interface("en"), interface("fr"), interface("de")
    one, many = "closes in %(num)d day", "closes in %(num)d days"
    assert english.ngettext(one, many, 0) == many
    assert french.ngettext(one, many, 0) == "clôture dans %(num)d jour"  # 0 is singular
    assert french.ngettext(one, many, 2) == "clôture dans %(num)d jours"
    assert german.ngettext(one, many, 1) == "endet in %(num)d Tag"
    assert german.ngettext(one, many, 0) == "endet in %(num)d Tagen"


def test_the_template_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """A message added to a template or a view without re-extracting (and translating)
    it fails here: messages.pot is extracted again and compared."""
    extracted = tmp_path / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg"]
    command += [
        "-k",
        "N_",
        "-k",
        "NP_:1c,2",
        "--no-location",
        "--sort-output",
        "-o",
        str(extracted),
        ".",
    ]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with extracted.open("rb") as file:
        fresh = {(m.context, m.id) for m in messages(read_po(file))}
    with POT.open("rb") as file:
        shipped = {(m.context, m.id) for m in messages(read_po(file))}
    assert sorted(map(str, fresh - shipped)) == [], "run pybabel extract (docs/languages.md)"
    assert sorted(map(str, shipped - fresh)) == [], "run pybabel extract (docs/languages.md)"
    for code in SHIPPED:
        ids = {(m.context, m.id) for m in messages(catalogue(code))}
        assert ids == shipped, f"run pybabel update for '{code}' (docs/languages.md)"


def test_labels_name_every_value_of_the_vocabularies() -> None:
    vocabularies = (
        models.EventKind,
        models.SessionKind,
        models.ParticipantRole,
        models.OrganisationKind,
        models.CallKind,
        models.ReportKind,
        models.DecisionMethod,
    )
    values = {value for vocabulary in vocabularies for value in get_args(vocabulary)}
    assert set(VOCABULARY_LABELS) == values
    assert all(VOCABULARY_LABELS[v] == humanise(v) for v in values)  # English as before
    assert set(DECISION_TEXTS) == set(get_args(models.DecisionMethod))
    assert set(PARTS_HEADINGS) == set(get_args(models.ReportKind))
    roles = get_args(models.ParticipantRole)
    assert {v: text for v, (_, text) in ROLE_TEXTS.items()} == {
        v: humanise(v).lower() for v in roles
    }
    assert {t.type_name: (t.label, t.label_plural) for t in models.RECORD_TYPES} == TYPE_LABELS


# --- a site's own catalogues -------------------------------------------------------------


def write_catalogue(root: Path, code: str, entries: dict[str, str]) -> Path:
    found = Catalog(locale=code)
    for msgid, msgstr in entries.items():
        found.add(msgid, msgstr)
    folder = root / "locales" / code / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as file:
        write_po(file, found)
    return folder / "messages.po"


def test_a_site_catalogue_rewords_some_messages_and_keeps_the_others(tmp_path: Path) -> None:
    write_catalogue(tmp_path, "fr", {"Events": "Manifestations"})
    french = interface("fr", tmp_path / "locales")
    assert french.gettext("Events") == "Manifestations"
    assert french.gettext("Funding calls") == "Appels à financement"  # built in
    assert interface("fr").gettext("Events") == "Événements"


def test_a_site_catalogue_adds_a_language(tmp_path: Path) -> None:
    write_catalogue(tmp_path, "it", {"Events": "Eventi"})
    italian = interface("it", tmp_path / "locales")
    assert (italian.code, str(italian.locale)) == ("it", "it")
    assert italian.gettext("Events") == "Eventi"
    assert italian.gettext("Funding calls") == "Funding calls"  # not translated: as written


def test_a_catalogue_edited_during_a_preview_is_read_again(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, "it", {"Events": "Eventi"})
    assert interface("it", tmp_path / "locales").gettext("Events") == "Eventi"
    path.write_text(path.read_text(encoding="utf-8").replace("Eventi", "Manifestazioni"))
    assert interface("it", tmp_path / "locales").gettext("Events") == "Manifestazioni"


def test_a_region_falls_back_to_its_language() -> None:
    canadian = interface("fr-CA")
    assert (canadian.code, str(canadian.locale)) == ("fr-CA", "fr_CA")
    assert canadian.gettext("Events") == "Événements"


def test_a_listed_language_without_catalogue_is_a_problem(tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [en, fr, it]\n")
    with pytest.raises(ContentError) as raised:
        check(load_site_config(root))
    assert [str(p) for p in raised.value.problems] == [
        "site.yaml:4: language 'it' has no interface catalogue (built in: de, en, fr): add "
        "locales/it/LC_MESSAGES/messages.po, translated from the built-in messages.pot "
        "(see docs/languages.md)"
    ]
    write_catalogue(root, "it", {"Events": "Eventi"})
    check(load_site_config(root))  # with its own catalogue, the site checks


def test_a_translation_that_would_break_a_page_is_a_problem(tmp_path: Path) -> None:
    root = copy_site("valid", tmp_path)
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: [en, it]\n")
    path = write_catalogue(
        root,
        "it",
        {"Funding calls": "Bandi (100% pubblici)", "Deadline %(date)s": "Scadenza %(data)s"},
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    deadline = lines.index('msgid "Deadline %(date)s"') + 1
    calls = lines.index('msgid "Funding calls"') + 1
    with pytest.raises(ContentError) as raised:
        check(load_site_config(root))
    assert [str(p) for p in raised.value.problems] == [
        f"locales/it/LC_MESSAGES/messages.po:{calls}: the translation of 'Funding calls' "
        "has a '%' that is no placeholder: write %% for a percent sign",
        f"locales/it/LC_MESSAGES/messages.po:{deadline}: the translation of "
        "'Deadline %(date)s' uses %(data)s, which the message does not give: use only its "
        "own placeholders (%(date)s)",
    ]
    assert calls < deadline  # problems come in the order of their lines


# --- pages in French and German ---------------------------------------------------------


class PageWords(HTMLParser):
    """What a reader meets on a page: its text, and the attributes that are read out or
    shown (labels, titles, alternatives, placeholders, descriptions, the script's words)."""

    SHOWN = frozenset({"aria-label", "title", "alt", "placeholder", "content"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag in ("script", "style")
        for name, value in attrs:
            if value and (name in self.SHOWN or name.startswith("data-")):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if not self._script:
            self.parts.append(data)


def page_words(html: bytes) -> str:
    parser = PageWords()
    parser.feed(html.decode("utf-8"))
    return "\n".join(parser.parts)


def pseudo_interface() -> Interface:
    """Every message replaced by its placeholders alone: a page in it holds the content
    and no interface words, so counts the content's own use of a word ('Conference')."""
    found = Catalog(locale="en")
    for number, message in enumerate(messages(catalogue("en"))):
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        # numbered, so that labels grouped by (an organisation's kind) stay apart
        shown = f"⟦{number} " + " ".join(sorted(set().union(*map(placeholders, ids)))) + "⟧"
        string = (shown, shown) if isinstance(message.id, tuple) else shown
        found.add(message.id, string, context=message.context)
    compiled = BytesIO()
    write_mo(compiled, found)
    compiled.seek(0)
    return Interface("en", Locale("en"), Translations(compiled))


def english_fragments(code: str) -> set[str]:
    """The English interface's wording, cut at placeholders and tags, where the
    language's catalogue says something else: what must not show on its pages."""
    translated = catalogue(code)
    theirs = "\n".join(form for m in messages(translated) for form in forms(m))
    fragments = set()
    for message in messages(catalogue("en")):
        if forms(message) == forms(translated.get(message.id, message.context)):
            continue  # the same in both languages ('Date', 'Session' in French)
        for form in forms(message):
            for piece in re.split(r"%\(\w+\)[sd]|\{\w+\}|<[^>]*>", form.replace("%%", "%")):
                piece = piece.strip(" .,:;()“”")
                if len(piece) > 3 and not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", theirs):
                    fragments.add(piece)
    return fragments


@pytest.fixture(scope="module")
def checked_sites(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Site, Checked]]:
    """The valid fixture and the round-two one (series), with two records an index
    page, so that pagers and '(continued)' show too."""
    found = []
    for name in ("valid", "round-two"):
        root = copy_site(name, tmp_path_factory.mktemp("i18n"))
        with (root / "site.yaml").open("a", encoding="utf-8") as config:
            config.write("\npage_size: 2\n")
        site = load_site_config(root)
        found.append((site, check(site)))
    return found


def rendered(sites: list[tuple[Site, Checked]], language: Interface) -> dict[str, str]:
    """Each page's words, by its site and URL; the pages of an index together, as
    groups sorted by a translated label (an organisation's kind) share them out
    differently in each language."""
    words: dict[str, str] = {}
    for site, checked in sites:
        renderer = Renderer(site, checked.registry, language)
        for page in checked.pages:
            key = site.root.name + re.sub(r"page/\d+/$", "", page.url)
            words[key] = words.get(key, "") + page_words(renderer.render(page))
    return words


@pytest.mark.parametrize("code", ["fr", "de"])
def test_no_english_interface_words_on_any_page(
    code: str, checked_sites: list[tuple[Site, Checked]]
) -> None:
    pages = rendered(checked_sites, interface(code))
    baseline = rendered(checked_sites, pseudo_interface())
    kinds = {page.kind for _, checked in checked_sites for page in checked.pages}
    assert kinds >= {"home", "404", "search", "index", *(t.type_name for t in models.RECORD_TYPES)}
    fragments = english_fragments(code)
    assert len(fragments) > 200
    left = []
    for url, words in pages.items():
        for fragment in fragments:
            pattern = rf"(?<!\w){re.escape(fragment)}(?!\w)"
            if len(re.findall(pattern, words)) > len(re.findall(pattern, baseline[url])):
                left.append((url, fragment))
    assert left == []


def test_pages_are_in_the_language_asked_for(checked_sites: list[tuple[Site, Checked]]) -> None:
    french = rendered(checked_sites[:1], interface("fr"))
    german = rendered(checked_sites[:1], interface("de"))
    assert "Appels à financement" in french["valid/"] and "Förderaufrufe" in german["valid/"]
    assert "Page introuvable" in french["valid/404.html"]
    assert "Seite nicht gefunden" in german["valid/404.html"]


def test_views_are_worded_in_english_unless_told_otherwise() -> None:
    assert SiteView.__init__.__defaults__ == (None, ENGLISH)  # the default language's tree
    assert ENGLISH.gettext("Funding calls") == "Funding calls"


def test_a_page_names_the_language_of_its_interface(
    checked_sites: list[tuple[Site, Checked]],
) -> None:
    site, checked = checked_sites[0]
    home = next(page for page in checked.pages if page.kind == "home")
    french = load_site_config(site.root, language="fr")  # a site in French alone
    html = Renderer(french, checked.registry).render(home)
    assert b'<html lang="fr">' in html
    assert b'<meta property="og:locale" content="fr">' in html
