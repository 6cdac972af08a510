"""Stage 5, render: pages through Jinja templates, with Markdown made safe."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import jinja2
import jinja2.nodes
import markdown as md
import nh3
from markupsafe import Markup

from ..cache import Store
from ..cache import folder as cache_folder
from ..config import Site
from ..content.moment import Moment
from ..content.registry import Registry
from ..problems import ContentError, Problem, display_path
from ..version import __version__
from . import structured, urls
from .i18n import ENGLISH, SITE_LOCALES, Interface, interface
from .paginate import Listings, Pager
from .plan import Page
from .theme import builtin_dir
from .views import SiteView, date_text, humanise, number_text, percent_text

MARKDOWN_EXTENSIONS = ["extra", "sane_lists", "smarty"]
MARKDOWN_FORMAT: Literal["html"] = "html"
# What smarty turns into typographic quotes, dashes and ellipses. It is a second pass
# over the whole text, half the cost of converting it, and changes nothing in a text
# with none of these (two texts in three of the first site's), so those skip it.
SMARTY_INPUT = re.compile(r"""['"]|--|\.\.\.""")
LINK_REL = "noopener noreferrer"


@cache
def _converter(smarty: bool = True) -> md.Markdown:
    """One converter per process, reset between texts: setting up the extensions
    costs a third of converting a typical text."""
    extensions = [e for e in MARKDOWN_EXTENSIONS if smarty or e != "smarty"]
    return md.Markdown(extensions=extensions, output_format=MARKDOWN_FORMAT)


@lru_cache(maxsize=16384)
def markdown_html(text: str) -> str:
    """Markdown to HTML; raw HTML is sanitised, so no script from content ever runs.
    Kept between builds (``cache``): converting is about half of an event page's time."""
    kept = _markdown_cache()
    key = kept.key(text)
    found = kept.get(key)
    if found is not None:
        return found.decode("utf-8")
    html = _converter(SMARTY_INPUT.search(text) is not None).reset().convert(text)
    html = nh3.clean(html, link_rel=LINK_REL)
    kept.put(key, html.encode("utf-8"))
    return html


@cache
def _markdown_cache() -> Store:
    # Everything the HTML depends on besides the text: change one, and texts convert again.
    salt = (
        version("markdown"),
        version("nh3"),
        MARKDOWN_EXTENSIONS,
        MARKDOWN_FORMAT,
        SMARTY_INPUT.pattern,
        LINK_REL,
    )
    return Store.named("markdown", repr(salt))


def _markdown_filter(text: str | None) -> Markup:
    return Markup(markdown_html(text)) if text else Markup("")


# Dates and numbers in the language of the page's ``site`` view.
@jinja2.pass_context
def _date_filter(context: jinja2.runtime.Context, value: Moment | dt.date | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, Moment):
        value = Moment(value.year, value.month, value.day)
    return date_text(value, context["site"].locale)


@jinja2.pass_context
def _number_filter(context: jinja2.runtime.Context, value: float) -> str:
    return number_text(value, context["site"].locale)


@jinja2.pass_context
def _percent_filter(context: jinja2.runtime.Context, value: float) -> str:
    return percent_text(value, context["site"].locale)


@jinja2.pass_context
def _fragment(context: jinja2.runtime.Context, name: str, **values: Any) -> Markup:
    """Template global: the template ``name`` rendered with just ``site`` and ``values``,
    once per build for each set of values (which must be hashable). For the parts of
    every page that depend on little of it, e.g. the site header on the menu's state:
    rendered afresh on each page, the header alone was a quarter of a session page."""
    fragments: dict[Any, Markup] = context["site"].fragments
    key = (name, *sorted(values.items()))
    try:
        html = fragments.get(key)
    except TypeError:  # a list or a dict: it could change from one page to the next
        raise jinja2.TemplateRuntimeError(
            f"fragment({name!r}) takes values that cannot change (text, numbers, tuples), "
            "not lists or dicts: pass a tuple, or include the template instead"
        ) from None
    if html is None:
        html = fragments[key] = Markup(context.environment.get_template(name).render(values))
    return html


def fragments_named(tree: jinja2.nodes.Template) -> Iterator[str | None]:
    """The templates a parsed template renders through ``fragment(...)``, as
    ``jinja2.meta.find_referenced_templates`` gives those it includes: None for a name
    known only at render time."""
    for call in tree.find_all(jinja2.nodes.Call):
        if isinstance(call.node, jinja2.nodes.Name) and call.node.name == "fragment":
            name = call.args[0] if call.args else None
            constant = isinstance(name, jinja2.nodes.Const) and isinstance(name.value, str)
            yield name.value if constant else None  # type: ignore[union-attr]


def template_dirs(site: Site) -> list[Path]:
    """The site's own templates first, so they override built-in ones by name."""
    dirs = [site.templates_dir, builtin_dir("templates")]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in unique:
            unique.append(d.resolve())
    return unique


class _TemplateLoader(jinja2.FileSystemLoader):
    """Jinja's loader of template files (UTF-8, a byte order mark read past); one that
    is not UTF-8 is a template error naming the file, as a syntax error is."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            parts = jinja2.loaders.split_template_path(template)
            found = (os.path.join(folder, *parts) for folder in self.searchpath)
            path = next((name for name in found if os.path.isfile(name)), None)
            raise jinja2.TemplateSyntaxError(
                f"not UTF-8 text ({exc.reason}): save it as UTF-8", 1, template, path
            ) from None


def make_environment(site: Site, interface: Interface = ENGLISH) -> jinja2.Environment:
    """The templates' environment, with the interface's messages (``_``, ``gettext``,
    ``ngettext``) in ``interface``'s language."""
    env = jinja2.Environment(
        loader=_TemplateLoader([str(d) for d in template_dirs(site)], encoding="utf-8-sig"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # A build compiles each template once; without this, every page's extends,
        # imports and includes would stat their files again (a new environment sees edits).
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(interface.translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(interface.template_globals())
    env.filters["markdown"] = _markdown_filter
    env.filters["date"] = _date_filter
    env.filters["number"] = _number_filter
    env.filters["percent"] = _percent_filter
    env.filters["humanise"] = humanise
    env.globals["fragment"] = _fragment
    structured.register(env)
    env.bytecode_cache = TemplateCache.for_environment(env)
    return env


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds, as Python keeps ``__pycache__``: a build
    otherwise compiles every template again, in the main process before the workers
    fork and in each worker for the templates pages extend and import.

    The folder is ``templates`` in the cache folder (``cache.folder``). A template whose
    source changed is compiled again (Jinja checks each file's checksum); the key also
    holds the environment's settings, which Jinja's own key leaves out but the compiled
    code depends on. A cache that cannot be read or written is skipped."""

    def __init__(self, directory: Path, settings: str) -> None:
        super().__init__(str(directory), pattern="%s.cache")
        self.settings = settings

    @classmethod
    def for_environment(cls, env: jinja2.Environment) -> TemplateCache | None:
        directory = cache_folder("templates")
        return cls(directory, _compile_settings(env)) if directory else None

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name, f"{filename}|{self.settings}")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()  # compiled again, and the file replaced

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # e.g. a full disk: the build goes on without
            super().dump_bytecode(bucket)


def _compile_settings(env: jinja2.Environment) -> str:
    """What Jinja's compiler reads besides a template's source."""
    return repr(
        (
            jinja2.__version__,
            __version__,
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            getattr(env, "newstyle_gettext", False),
            env.is_async,
            env.autoescape if isinstance(env.autoescape, bool) else env.autoescape.__qualname__,
            env.finalize is not None,
            sorted(env.extensions),
            sorted(env.filters),
            sorted(env.tests),
        )
    )


class Renderer:
    """Renders planned pages; one per process, so workers can each own one. A page is
    rendered in its language's tree: an environment and a ``SiteView`` per language,
    made when its first page comes (``use``)."""

    def __init__(self, site: Site, registry: Registry, words: Interface | None = None) -> None:
        self.site = site
        self.registry = registry
        self.words = words  # one interface for every page, whatever its language (tests)
        self.trees = {tree.language: tree for tree in urls.trees(site.config)}
        self.language = site.config.default_language
        self._made: dict[str, tuple[jinja2.Environment, SiteView]] = {}
        self.env, self.view = self._tree(self.language)
        self._listings: tuple[SiteView, Listings] = (self.view, Listings())

    def use(self, language: str) -> None:
        """Render the next pages in ``language`` ('': the default)."""
        language = language or self.site.config.default_language
        if language != self.language:
            self.language = language
            self.env, self.view = self._tree(language)

    def view_in(self, language: str) -> SiteView:
        """What the templates see as ``site`` on the pages of ``language``."""
        self.use(language)
        return self.view

    def _tree(self, language: str) -> tuple[jinja2.Environment, SiteView]:
        made = self._made.get(language)
        if made is None:
            env = make_environment(self.site, self.interface_of(language))
            view = self.new_view(language)
            env.globals["site"] = view
            made = self._made[language] = (env, view)
        return made

    def new_view(self, language: str, registry: Registry | None = None) -> SiteView:
        """A fresh ``site`` for the pages of ``language``, over its records (or over
        ``registry``, which holds them)."""
        registry = registry or self.registry_in(language)
        tree, words = self.trees[language], self.interface_of(language)
        config = self.site.config.in_language(language)
        return SiteView(registry, config, self.site.today(), tree, words)

    def interface_of(self, language: str) -> Interface:
        """The interface's words on the pages of ``language``."""
        return self.words or interface(language, self.site.root / SITE_LOCALES)

    def registry_in(self, language: str) -> Registry:
        """The records as the pages of ``language`` show them: translated where a
        translation file says so."""
        return self.registry.in_language(language)

    def forget_languages(self) -> None:
        """Drop each language's records and views, made from the registry as it was:
        after a record is patched (the preview), a translated copy would be stale."""
        self._made.clear()
        self.env, self.view = self._tree(self.language)

    def context(self, page: Page) -> dict[str, Any]:
        context: dict[str, Any] = {"page": page}
        size = self.site.config.page_size
        if page.record is not None:
            context["record"] = self.view.view(self.view.registry.get(*page.record))
            type_name, record_id = page.record
            context["pager"] = Pager(type_name, page.number, page.of, size, record_id=record_id)
        if page.index_of is not None:
            listings = self.listings()
            context["records"] = listings.records(self.view, page.index_of)
            context["type_name"] = page.index_of
            context["pager"] = Pager(page.index_of, page.number, page.of, size, listings)
        return context

    def listings(self) -> Listings:
        """What the pages of an index share (``paginate.Listings``): kept as long as the
        view they were made with."""
        if self._listings[0] is not self.view:
            self._listings = (self.view, Listings())
        return self._listings[1]

    def render(self, page: Page) -> bytes:
        self.use(page.language)
        try:
            template = self.env.get_template(page.template)
            return template.render(self.context(page)).encode("utf-8")
        except jinja2.TemplateError as exc:
            raise ContentError([template_problem(exc, self.site, page)]) from None

    def take_notes(self) -> list[Any] | None:
        """What a subclass noted about each page rendered since the last call, in order
        (the preview: what each read); None when it notes nothing."""
        return None


def template_problem(exc: jinja2.TemplateError, site: Site, page: Page) -> Problem:
    """A template mistake as an editor-facing problem: the template file and line."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if path is None:
        # Runtime errors: Jinja keeps template frames in the traceback with their lines.
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt")):
                path, line = name, tb.tb_lineno
            tb = tb.tb_next
    where = display_path(Path(path), site.root) if path else page.template
    return Problem(where, line, None, f"template error while rendering {page.url}: {exc.message}")
