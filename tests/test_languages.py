"""A site in several languages (site.yaml's ``languages``): each language's tree of
pages under its folder, the switcher and hreflang links between them, the files made
per language (feeds, calendars, sitemaps, search index), the settings' problems, the
preview; in a real browser, the switcher and the French pages' accessibility."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from clusterreports import build, load_site_config
from clusterreports.config import SiteConfig
from clusterreports.preview.changes import classify
from clusterreports.preview.incremental import Preview
from clusterreports.preview.server import PreviewSession
from clusterreports.problems import ContentError
from clusterreports.site import i18n, urls

from .conftest import copy_site, tools
from .test_accessibility import _check_all
from .test_html_valid import validate
from .test_incremental import assert_same_as_full_build, edit
from .test_serve import Reloads, wait_for

LANGUAGES = ("en", "fr", "de")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def multilingual(root: Path, *settings: str) -> Path:
    """The fixture site in English, French and German (the fixture sets no language)."""
    with (root / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("languages: [en, fr, de]\n" + "".join(f"{s}\n" for s in settings))
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """In three languages, with the talk's title and key message in French (not its
    body) and a quote said in German."""
    root = multilingual(
        copy_site("valid", tmp_path_factory.mktemp("languages")),
        "translations:\n  fr: {title: Rapports de conférences de démonstration}",
    )
    (root / "content/events/talk-2022.fr.yaml").write_text(
        "title: Résultats et visions pour l'avenir des clusters\n"
        "key_messages:\n  - Les clusters devraient traduire les politiques en innovation.\n",
        encoding="utf-8",
    )
    session = root / "content/sessions/talk-2022-introduction.yaml"
    edit(
        session,
        "  - text: Clusters are frontrunners.\n",
        "  - text: Cluster sind Vorreiter.\n    lang: de\n",
    )
    build(load_site_config(root))
    return root


@pytest.fixture(scope="module")
def in_subdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("subdir")
    root = multilingual(copy_site("valid", folder), "default_language_in_subdir: true")
    build(load_site_config(root))
    return root


class Links(HTMLParser):
    """The hreflang links of a page's head and the anchors of its language switcher."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang = ""
        self.alternates: dict[str, str] = {}
        self.switcher: list[dict[str, str | None]] = []
        self._in_switcher = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang") or ""
        elif tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            self.alternates[str(found["hreflang"])] = str(found["href"])
        elif tag == "nav" and "languages" in (found.get("class") or "").split():
            self._in_switcher = True
        elif tag == "a" and self._in_switcher:
            self.switcher.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_switcher = False


def links(output: Path, url: str) -> Links:
    parser = Links()
    parser.feed(urls.output_path(output, url).read_text(encoding="utf-8"))
    return parser


# --- settings and URLs ---------------------------------------------------------------


def test_trees_put_the_default_at_the_top_unless_told_otherwise() -> None:
    config = SiteConfig.model_validate({"languages": ["en", "fr", "pt-BR"]})
    assert urls.trees(config) == [
        urls.Tree("en", ""),
        urls.Tree("fr", "/fr"),
        urls.Tree("pt-BR", "/pt-br"),
    ]
    config = SiteConfig.model_validate(
        {"languages": ["de", "en"], "default_language_in_subdir": True}
    )
    assert urls.trees(config) == [urls.Tree("de", "/de"), urls.Tree("en", "/en")]
    assert urls.trees(SiteConfig()) == [urls.Tree("en", "")]


def test_shared_files_keep_their_url_in_every_language() -> None:
    assert urls.in_language("/people/x/", "/fr") == "/fr/people/x/"
    assert urls.in_language("/", "/fr") == "/fr/"
    assert urls.in_language("/feeds/events.xml", "/fr") == "/fr/feeds/events.xml"
    for shared in ("/static/style.css", "/media/ab.webp", "/data/index.json", "/pagefind/"):
        assert urls.in_language(shared, "/fr") == shared
    assert urls.in_language("/people/x/", "") == "/people/x/"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            "languages: [en, xx-qq-zz]\n",
            "site.yaml:1:17: languages[1]: 'xx-qq-zz' is not a language tag: use a code such "
            "as 'en', 'fr' or 'pt-BR'",
        ),
        (
            "languages: [en, fr, EN]\n",
            "site.yaml:1:1: languages: 'EN' is listed twice: list each language once",
        ),
        (
            "language: en\nlanguages: [fr, en]\n",
            "site.yaml:2:1: languages: the first language, 'fr', is the default, but language "
            "is 'en': remove language (or list 'en' first)",
        ),
        (
            "languages: [en, fr]\ntranslations:\n  de: {title: Berichte}\n",
            "site.yaml:2:1: translations: 'de' is not one of the site's languages (en, fr): add "
            "it to languages, or remove its translation",
        ),
        (
            "languages: [en, fr]\ntranslations:\n  en: {title: Reports}\n",
            "site.yaml:2:1: translations: 'en' is the default language: give its words as title "
            "and description, and translations for the other languages only",
        ),
        (
            "languages: [en, fr]\ntranslations:\n  fr: {titre: Rapports}\n",
            "site.yaml:3:8: unknown field 'translations.fr.titre'.",
        ),
    ],
)
def test_bad_language_settings_are_named(tmp_path: Path, settings: str, message: str) -> None:
    (tmp_path / "site.yaml").write_text(settings, encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_site_config(tmp_path)
    assert [str(p) for p in raised.value.problems] == [message]


def test_the_site_title_is_translated_where_site_yaml_says(site: Path) -> None:
    """``translations: {fr: {title: ...}}``: the French pages, feeds and JSON-LD name the
    site in French; German, with no translation, keeps the title as written."""
    output = site / "_site"
    french = (output / "fr/index.html").read_text(encoding="utf-8")
    assert "<h1>Rapports de conférences de démonstration</h1>" in french
    assert "· Rapports de conférences de démonstration</title>" in (
        output / "fr/events/talk-2022/index.html"
    ).read_text(encoding="utf-8")
    assert "Rapports de conférences de démonstration" in (output / "fr/feeds/events.xml").read_text(
        encoding="utf-8"
    )
    english_title = load_site_config(site).config.title
    for path in ("index.html", "de/index.html"):
        page = (output / path).read_text(encoding="utf-8")
        assert f"<h1>{english_title}</h1>" in page
        assert "Rapports de conférences" not in page


# --- the trees -----------------------------------------------------------------------


def test_every_page_is_in_every_language(site: Path) -> None:
    output = site / "_site"
    english = [u for u in tools.page_urls(output) if not re.match(r"/(fr|de)/", u)]
    assert "/people/anais-le-corvec/" in english
    for url in english:
        for language in ("fr", "de"):
            assert urls.output_path(output, f"/{language}{url}").is_file(), (language, url)
    assert links(output, "/fr/people/anais-le-corvec/").html_lang == "fr"
    assert links(output, "/people/anais-le-corvec/").html_lang == "en"


def test_the_switcher_and_hreflang_lead_to_the_same_page_in_each_language(site: Path) -> None:
    output = site / "_site"
    for url in tools.page_urls(output):
        path = re.sub(r"^/(fr|de)/", "/", url)
        found = links(output, url)
        expected = {"en": path, "fr": "/fr" + path, "de": "/de" + path}
        assert found.alternates == expected | {"x-default": path}, url
        assert [a["href"] for a in found.switcher] == list(expected.values()), url
        assert [a["lang"] for a in found.switcher] == list(LANGUAGES)
        current = [a["lang"] for a in found.switcher if a.get("aria-current") == "true"]
        assert current == [found.html_lang], url
        for target in expected.values():  # and back: the target offers this page
            assert urls.output_path(output, target).is_file(), (url, target)
            assert links(output, target).alternates[found.html_lang] == url


def test_links_inside_a_tree_stay_in_its_language(site: Path) -> None:
    page = urls.output_path(site / "_site", "/fr/events/talk-2022/").read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="(/[^"]*)"', page)
    inside = [h for h in hrefs if not h.startswith(("/static/", "/data/", "/media/"))]
    outside = [h for h in inside if not h.startswith("/fr/")]
    # only the switcher leaves the French tree
    assert outside == ["/events/talk-2022/", "/de/events/talk-2022/"]


def test_the_default_language_in_its_own_folder(in_subdir: Path) -> None:
    output = in_subdir / "_site"
    assert (output / "en" / "people" / "anais-le-corvec" / "index.html").is_file()
    assert not (output / "people").exists()
    top = (output / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/en/">' in top
    choice = top.split('class="language-choice"')[1]
    assert re.findall(r'<li><a href="([^"]+)" hreflang="(\w+)"', choice) == [
        ("/en/", "en"),
        ("/fr/", "fr"),
        ("/de/", "de"),
    ]
    assert 'name="robots" content="noindex"' in top
    # servers look for /404.html: the default language's, linking into its folder
    assert 'href="/en/events/"' in (output / "404.html").read_text(encoding="utf-8")


# --- what is and is not translated ------------------------------------------------------


def test_a_translated_record_shows_its_translation_and_marks_what_it_leaves(site: Path) -> None:
    page = (site / "_site/fr/events/talk-2022/index.html").read_text(encoding="utf-8")
    assert "<h1>Résultats et visions pour l&#39;avenir des clusters</h1>" in page
    assert '<ul class="messages"><li>Les clusters devraient traduire' in page
    assert '<div class="prose" lang="en"><p>A one-hour online talk.</p>' in page  # not translated
    assert 'class="untranslated"' not in page  # the page is translated, if not every word
    english = (site / "_site/events/talk-2022/index.html").read_text(encoding="utf-8")
    assert "<h1>Results and visions for the future of clusters</h1>" in english
    assert 'lang="en"' not in english.split("<main", 1)[1]


def test_an_untranslated_record_is_marked_and_says_so(site: Path) -> None:
    output = site / "_site"
    page = (output / "fr/events/ecc-2016/index.html").read_text(encoding="utf-8")
    assert (
        '<p class="untranslated" role="note">'
        "Pas encore traduit : cette page est affichée en anglais.</p>" in page
    )
    assert re.search(r'<h1 lang="en">[^<]+</h1>', page)
    german = (output / "de/events/ecc-2016/index.html").read_text(encoding="utf-8")
    assert "Noch nicht übersetzt: Diese Seite wird auf Englisch angezeigt." in german
    # links name their record's title in the language it is shown in
    index = (output / "fr/events/index.html").read_text(encoding="utf-8")
    assert '<a href="/fr/events/talk-2022/">Résultats et visions' in index
    assert re.search(r'<a href="/fr/events/ecc-2016/" lang="en">', index)
    # a person's name belongs to no language: never marked
    assert 'href="/fr/people/bianca-dragomir/" lang=' not in (
        output / "fr/people/index.html"
    ).read_text(encoding="utf-8")


def test_a_quote_keeps_the_language_it_was_said_in(site: Path) -> None:
    output = site / "_site"
    said = '<blockquote lang="de"><p>Cluster sind Vorreiter.</p></blockquote>'
    assert said in (output / "fr/sessions/talk-2022-introduction/index.html").read_text(
        encoding="utf-8"
    )
    assert said in (output / "sessions/talk-2022-introduction/index.html").read_text(
        encoding="utf-8"
    )
    german = (output / "de/sessions/talk-2022-introduction/index.html").read_text(encoding="utf-8")
    assert "<blockquote><p>Cluster sind Vorreiter.</p></blockquote>" in german


# --- files made per language ---------------------------------------------------------


def test_feeds_and_calendars_in_each_language(site: Path) -> None:
    output = site / "_site"
    for prefix, language in (("", "en"), ("/fr", "fr"), ("/de", "de")):
        feed = ElementTree.parse(output / f"{prefix.lstrip('/')}/feeds/events.xml".lstrip("/"))
        root = feed.getroot()
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language
        self_link = root.find("{http://www.w3.org/2005/Atom}link[@rel='self']")
        assert self_link is not None
        assert self_link.get("href") == f"{prefix}/feeds/events.xml"
        entry_links = [link.get("href") for link in root.iter("{http://www.w3.org/2005/Atom}link")]
        assert f"{prefix}/events/talk-2022/" in entry_links
        calendar = output / f"{prefix.lstrip('/')}/calendars/events.ics".lstrip("/")
        unfolded = calendar.read_bytes().decode("utf-8").replace("\r\n ", "")  # RFC 5545 3.1
        assert f"{prefix}/events/talk-2022/" in unfolded


def test_a_sitemap_a_language_with_the_alternates(site: Path) -> None:
    output = site / "_site"
    index = ElementTree.parse(output / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    listed = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert listed == ["/sitemaps/en.xml", "/sitemaps/fr.xml", "/sitemaps/de.xml"]
    for language in LANGUAGES:
        sitemap = ElementTree.parse(output / "sitemaps" / f"{language}.xml").getroot()
        entries = list(sitemap.iter(f"{SITEMAP}url"))
        assert entries
        for entry in entries:
            loc = entry.findtext(f"{SITEMAP}loc") or ""
            assert urls.output_path(output, loc).is_file()
            assert links(output, loc).html_lang == language
            alternates = {a.get("hreflang"): a.get("href") for a in entry.iter(f"{XHTML}link")}
            assert alternates == links(output, loc).alternates
    assert "/404.html" not in (output / "sitemaps" / "en.xml").read_text(encoding="utf-8")


def test_the_search_index_has_a_part_a_language(site: Path) -> None:
    entry = json.loads((site / "_site" / "pagefind" / "pagefind-entry.json").read_text())
    records = len([p for p in (site / "content").rglob("*.*") if "." not in p.stem])
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == {
        language: records for language in LANGUAGES
    }


def test_a_site_in_one_language_has_none_of_it(built_valid: Path) -> None:
    page = (built_valid / "people" / "anais-le-corvec" / "index.html").read_text(encoding="utf-8")
    assert "hreflang" not in page and 'class="languages' not in page
    assert not (built_valid / "sitemaps").exists() and not (built_valid / "fr").exists()


# --- the preview ---------------------------------------------------------------------


def test_the_preview_renders_every_language_of_an_edit(tmp_path: Path) -> None:
    root = multilingual(copy_site("valid", tmp_path))
    preview = Preview(root)
    assert preview.build_all().kind == "full"
    outcome = preview.update(
        [edit(root / "content/people/bianca-dragomir.yaml", "name: ", "name: Dr ")]
    )
    assert outcome.kind == "incremental", outcome.reason
    assert "/fr/people/bianca-dragomir/" in outcome.written
    assert "/de/people/bianca-dragomir/" in outcome.written
    assert "/people/bianca-dragomir/" in outcome.written
    assert_same_as_full_build(preview, tmp_path)


def page_text(preview: Preview, url: str) -> str:
    return urls.output_path(preview.site.output_dir, url).read_text(encoding="utf-8")


TRANSLATION = "content/sessions/talk-2022-introduction.fr.yaml"
ENGLISH_TITLE = "Introduction to the topic of the day"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "Introduction au thème du jour"),
        ("Introduction au thème du jour", "Le thème du jour, introduit"),
        ("Introduction au thème du jour", None),
    ],
    ids=["added", "edited", "removed"],
)
def test_the_preview_rebuilds_the_language_of_a_translation_changed(
    tmp_path: Path, before: str | None, after: str | None
) -> None:
    """A translation added, edited or removed rebuilds the site: the French pages that
    show the record (its own, its event's agenda) say the new words, the English and
    German ones keep the original's, and the output is a clean build's."""
    root = multilingual(copy_site("valid", tmp_path))
    translation = root / TRANSLATION
    if before is not None:
        translation.write_text(f"title: {before}\n", encoding="utf-8")
    preview = Preview(root)
    assert preview.build_all().kind == "full"
    if after is None:
        translation.unlink()
    else:
        translation.write_text(f"title: {after}\n", encoding="utf-8")
    outcome = preview.update([translation])
    assert outcome.error is None
    assert (outcome.kind, outcome.reason) == ("full", f"{translation.name}: a translation changed")
    for prefix, title in (
        ("/fr", after or ENGLISH_TITLE),
        ("", ENGLISH_TITLE),
        ("/de", ENGLISH_TITLE),
    ):
        for url in ("/sessions/talk-2022-introduction/", "/events/talk-2022/"):
            page = page_text(preview, prefix + url)
            assert title in page, (prefix + url, title)
            assert before is None or before not in page, prefix + url
    assert_same_as_full_build(preview, tmp_path)


def french_catalogue(folder: Path) -> Path:
    """A copy of the shipped French catalogue in the ``locales`` folder ``folder``."""
    target = folder / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(i18n.BUILTIN_LOCALES / "fr" / "LC_MESSAGES" / "messages.po", target)
    return target / "messages.po"


EVENTS = 'msgid "Events"\nmsgstr "Événements"'
REWORDED = 'msgid "Events"\nmsgstr "Manifestations"'


def builtin_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The French catalogue in a copy of the package's locales folder, read as the
    built-in one: a test edits it there, never in place."""
    locales = tmp_path / "package-locales"
    shutil.copytree(i18n.BUILTIN_LOCALES, locales)
    monkeypatch.setattr(i18n, "BUILTIN_LOCALES", locales)
    return locales / "fr" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("whose", ["the site's own", "the built-in one"])
def test_a_message_catalogue_edited_in_the_preview_rebuilds_with_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, whose: str
) -> None:
    """Any page may show any message: an edited catalogue rebuilds every page, read
    again."""
    root = multilingual(copy_site("valid", tmp_path))
    if whose == "the site's own":
        catalogue = french_catalogue(root / i18n.SITE_LOCALES)
    else:
        catalogue = builtin_copy(tmp_path, monkeypatch)
    preview = Preview(root)
    assert preview.build_all().kind == "full"
    assert "Manifestations" not in page_text(preview, "/fr/people/anais-le-corvec/")
    outcome = preview.update([edit(catalogue, EVENTS, REWORDED)])
    assert outcome.error is None
    assert (outcome.kind, outcome.reason) == (
        "full",
        "message catalogue fr/LC_MESSAGES/messages.po changed",
    )
    for url in ("/fr/people/anais-le-corvec/", "/fr/events/", "/fr/"):
        assert "Manifestations" in page_text(preview, url), url
    for url in ("/people/anais-le-corvec/", "/de/people/anais-le-corvec/"):
        assert "Manifestations" not in page_text(preview, url), url
    assert_same_as_full_build(preview, tmp_path)


def test_a_broken_builtin_catalogue_is_shown_in_the_preview_until_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved half-edited, the built-in catalogue is a problem at its line (over the
    last good pages), as a site's own is, not a failure of every rebuild."""
    root = multilingual(copy_site("valid", tmp_path))
    catalogue = builtin_copy(tmp_path, monkeypatch)
    preview = Preview(root)
    assert preview.build_all().kind == "full"
    good = catalogue.read_text(encoding="utf-8")
    edit(catalogue, EVENTS, 'msgid "Events"\nmsgtr "Manifestations"')
    line = catalogue.read_text(encoding="utf-8").splitlines().index('msgtr "Manifestations"') + 1
    outcome = preview.update([catalogue])
    assert outcome.kind == "error" and outcome.error is not None
    assert [str(p) for p in outcome.error.problems] == [
        f"{catalogue.as_posix()}:{line}: Unknown or misformatted keyword: write each message "
        'as msgid "..." then msgstr "..." (see docs/languages.md)'
    ]
    catalogue.write_text(good.replace(EVENTS, REWORDED), encoding="utf-8")
    assert preview.update([catalogue]).kind == "full" and preview.error is None
    assert "Manifestations" in page_text(preview, "/fr/events/")


def test_a_site_catalogue_made_then_edited_while_previewing_is_used(tmp_path: Path) -> None:
    """The flat watch of the site folder lets a new locales/ folder through, which is
    then watched as content/ is: made, then edited, the French pages say its words."""
    root = multilingual(copy_site("valid", tmp_path))
    preview = Preview(root)
    preview.build_all()
    said: list[object] = []
    session = PreviewSession(preview, Reloads([], threading.Event()), say=said.append)
    session.start()
    page = urls.output_path(preview.site.output_dir, "/fr/events/")

    def summaries() -> list[str]:
        return [str(text) for text in said if "rebuild" in str(text)]

    def says(word: str) -> bool:
        with contextlib.suppress(FileNotFoundError):  # the output being swapped
            return word in page.read_text(encoding="utf-8")
        return False

    staged = french_catalogue(root / "locales.new")
    edit(staged, EVENTS, REWORDED)
    try:
        staged.parents[2].rename(root / i18n.SITE_LOCALES)  # appears whole, as a copy makes it
        wait_for(lambda: says("Manifestations"), "the site's catalogue")
        catalogue = root / i18n.SITE_LOCALES / "fr" / "LC_MESSAGES" / "messages.po"
        edit(catalogue, "Manifestations", "Rencontres")
        wait_for(lambda: says("Rencontres"), "the catalogue edited")
        # a page is written before its rebuild's summary is said
        wait_for(lambda: len(summaries()) >= 2, "both summaries")
    finally:
        session.stop()
    assert summaries()[0].startswith("Full rebuild (locales/ folder added): ")
    assert summaries()[-1].startswith(
        "Full rebuild (message catalogue fr/LC_MESSAGES/messages.po changed): "
    )


def test_classify_rebuilds_all_for_a_catalogue_and_not_for_what_no_build_reads(
    tmp_path: Path,
) -> None:
    root = copy_site("valid", tmp_path)
    site = load_site_config(root)
    for path, name in (
        (root / "locales/fr/LC_MESSAGES/messages.po", "fr/LC_MESSAGES/messages.po"),
        (root / "locales/it", "it"),  # a language's folder made, moved or removed
        (i18n.BUILTIN_LOCALES / "de/LC_MESSAGES/messages.po", "de/LC_MESSAGES/messages.po"),
    ):
        assert classify(site, [path]).full == f"message catalogue {name} changed"
    for path in (
        root / "locales/fr/LC_MESSAGES/messages.mo",  # pybabel compile's
        root / "locales/messages.pot",
        root / "locales/fr/LC_MESSAGES/.messages.po.swp",
        root / "locales/fr/LC_MESSAGES/messages.po~",
        i18n.BUILTIN_LOCALES / "messages.pot",
    ):
        changes = classify(site, [path])
        assert (changes.full, changes.content, changes.templates, changes.static) == (
            None,
            set(),
            set(),
            set(),
        ), path


# --- in a browser --------------------------------------------------------------------


@pytest.mark.browser
def test_the_switcher_leads_to_the_page_in_the_other_language(browser: Any, site: Path) -> None:
    with tools.served(site / "_site") as origin:
        page = browser.new_page()
        page.goto(origin + "/fr/people/anais-le-corvec/")
        switcher = page.get_by_role("navigation", name="Langue")  # named in the page's language
        assert switcher.get_by_role("link").all_inner_texts() == ["English", "français", "Deutsch"]
        switcher.get_by_role("link", name="English").click()
        page.wait_for_url(origin + "/people/anais-le-corvec/")
        assert page.evaluate("document.documentElement.lang") == "en"
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()
        page.wait_for_url(origin + "/de/people/anais-le-corvec/")
        page.close()


@pytest.mark.browser
def test_french_pages_pass_axe(browser: Any, site: Path) -> None:
    output = site / "_site"
    french = [
        f"/fr{u}" for u in tools.samples(output).values() if not u.startswith(("/fr/", "/de/"))
    ]
    with tools.served(output) as origin:
        problems = _check_all(browser, origin, french, "light")
    assert not problems, "\n".join(problems)


def test_french_pages_are_valid_html(site: Path) -> None:
    pages, messages = validate(site / "_site" / "fr")
    assert pages > 20
    assert messages == ""
