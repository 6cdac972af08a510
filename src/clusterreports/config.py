"""Site-wide settings, read from ``site.yaml`` at the top of a site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from .content.load import RawRecord, parse_yaml, read_text
from .content.models import Line, Prose
from .content.validate import problems_from
from .problems import ContentError, Problem, printable

CONFIG_NAME = "site.yaml"


def check_base_url(value: str) -> str:
    """The base URL with its final '/'; raises ValueError for anything else than a path
    or an http(s) URL (the command line's --base-url is checked with it too)."""
    if not value.endswith("/"):
        value += "/"
    if not (_is_path(value) or _is_web_url(value)):
        raise ValueError(  # printable: pydantic cannot carry a lone surrogate
            f"'{printable(value)}' must be a path starting with a single '/' (e.g. '/reports/') "
            "or a full http(s) URL (e.g. 'https://example.org/reports/')"
        )
    return value


def _check_url(value: str) -> str:
    if not value.endswith("/"):
        value += "/"
    if not _is_web_url(value):
        raise ValueError(
            f"'{printable(value)}' must be a full http(s) URL, e.g. 'https://example.org/reports/'"
        )
    return value


def _check_page_size(value: object) -> object:
    # Before pydantic's own check, which would take true for 1 and '5' for 5.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        shown = str(value).lower() if isinstance(value, bool) else value  # as YAML writes it
        raise ValueError(
            f"'{shown}' is not a whole number of 1 or more: give how many records an "
            "index page lists, e.g. page_size: 50"
        )
    return value


def _check_language(value: str) -> str:
    """A language tag Babel knows ('fr', 'de', 'pt-BR'): dates and numbers are formatted
    with its rules, so an unknown one would fail only half-way through a build."""
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(
            f"'{printable(value)}' is not a language tag: use a code such as 'en', 'fr' or 'pt-BR'"
        ) from None
    return value


def _check_languages(value: list[str]) -> list[str]:
    seen = set()
    for tag in value:
        if tag.lower() in seen:
            raise ValueError(f"'{tag}' is listed twice: list each language once")
        seen.add(tag.lower())
    return value


LanguageTag = Annotated[Line, AfterValidator(_check_language)]


def _is_path(value: str) -> bool:
    # Browsers take '//host/' (and '/\\host/', refused by _plain) for another host.
    return value.startswith("/") and not value.startswith("//") and _plain(value)


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. 'http://[::1': an unclosed IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and _plain(value)


def _plain(value: str) -> bool:
    """No backslash, space, control character, query or fragment: the page paths are
    appended to a base URL as they are."""
    return not any(c in "\\?#" or c.isspace() or not c.isprintable() for c in value)


def base_path(base_url: str) -> str:
    """The path part of the site's base URL: '/', '/reports/'."""
    path = urlsplit(base_url).path if "://" in base_url else base_url
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


class ImageSettings(BaseModel):
    """How pictures are checked and resized (``images:`` in ``site.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # At most 8: each width is a resize of every photo and two files, and browsers pick
    # among a handful (srcset); a long list only makes builds and the output heavier.
    widths: list[Annotated[int, Field(ge=16, le=8192)]] = Field(
        [480, 960, 1600],
        min_length=1,
        max_length=8,
        description="The widths, in pixels, each photo is resized to (never enlarged).",
    )
    max_kb: int = Field(10_000, ge=1, description="The largest image file accepted, in kilobytes.")


class SiteTranslation(BaseModel):
    """The site's own words in another of its languages (``translations:``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Line | None = None
    description: Prose | None = None


class SiteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Line and Prose: no character a page, feed or calendar cannot carry.
    title: Line = "Conference reports"
    description: Prose = ""
    base_url: Annotated[str, AfterValidator(check_base_url)] = Field(
        "/", description="Where the site is served from: '/' or '/sub/path/' or a full URL."
    )
    url: Annotated[str, AfterValidator(_check_url)] | None = Field(
        None,
        description="The site's full address, e.g. 'https://example.org/reports/', for the "
        "absolute links of canonical URLs, Open Graph, the sitemap and feeds.",
    )
    language: LanguageTag | None = Field(
        None, description="The site's language, for a site in one language (default: en)."
    )
    languages: Annotated[list[LanguageTag], AfterValidator(_check_languages)] | None = Field(
        None,
        min_length=1,
        description="The languages of a multilingual site; the first is the default, the "
        "one content/ is written in (then leave out language).",
    )
    default_language_in_subdir: bool = Field(
        False,
        description="Put the default language's pages under their own folder too "
        "(/en/events/...) rather than at the top (/events/...).",
    )
    translations: dict[str, SiteTranslation] = Field(
        {},
        description="The site's title and description in its other languages, e.g. "
        "{fr: {title: ..., description: ...}}; a language left out shows them as written.",
    )
    today: dt.date | None = Field(
        None, description="The build date for call statuses; default: the day of the build."
    )
    feed_limit: int = Field(
        100, ge=1, description="How many of the newest entries an Atom feed carries."
    )
    search: bool = Field(
        True,
        description="Build the search page and its index (Pagefind); false leaves out the "
        "search page, the search box and the index.",
    )
    search_index_pages: int = Field(
        20_000,
        ge=1,
        description="The most record pages one part of the search index holds. Pagefind "
        "keeps an index in memory (about 30 KB a page); a larger site is indexed in parts, "
        "one after another, which the search page merges.",
    )
    page_size: Annotated[int, BeforeValidator(_check_page_size)] = Field(
        50,
        description="How many records an index page lists (people, sessions, events, ...); "
        "a longer index is split into pages: /sessions/, /sessions/page/2/, ...",
    )
    strict: bool = Field(
        False,
        description="Treat warnings (probable duplicate people or organisations) as "
        "problems, as the --strict option does.",
    )
    images: ImageSettings = Field(default_factory=ImageSettings)
    content: Line = "content"  # Line: no NUL or lone surrogate, which no path holds
    templates: Line = "templates"
    static: Line = "static"
    output: Line = "_site"

    @field_validator("languages")
    @classmethod
    def _one_default_language(
        cls, value: list[str] | None, info: ValidationInfo
    ) -> list[str] | None:
        language = info.data.get("language")
        if value and language is not None and language != value[0]:
            raise ValueError(
                f"the first language, '{value[0]}', is the default, but language is "
                f"'{language}': remove language (or list '{language}' first)"
            )
        return value

    @field_validator("translations")
    @classmethod
    def _translated_into_other_languages(
        cls, value: dict[str, SiteTranslation], info: ValidationInfo
    ) -> dict[str, SiteTranslation]:
        if "languages" not in info.data:  # refused itself: its problem is reported
            return value
        listed = info.data["languages"] or [info.data.get("language") or "en"]
        for language in value:
            if language == listed[0]:
                raise ValueError(
                    f"'{language}' is the default language: give its words as title and "
                    "description, and translations for the other languages only"
                )
            if language not in listed:
                raise ValueError(
                    f"'{printable(language)}' is not one of the site's languages "
                    f"({', '.join(listed)}): add it to languages, or remove its translation"
                )
        return value

    @field_validator("url")
    @classmethod
    def _url_agrees_with_base_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        base_url = info.data.get("base_url")
        if value is None or base_url is None:
            return value
        path = base_path(value)
        if path != base_path(base_url):
            raise ValueError(
                f"'{value}' has the path '{path}' but base_url is '{base_url}': "
                f"set base_url: {path} (or give url the path of base_url)"
            )
        return value

    @property
    def site_languages(self) -> tuple[str, ...]:
        """Every language the site is built in, the default first."""
        return tuple(self.languages) if self.languages else (self.language or "en",)

    @property
    def default_language(self) -> str:
        return self.site_languages[0]

    def in_language(self, language: str) -> SiteConfig:
        """These settings with the site's title and description in ``language``."""
        words = self.translations.get(language)
        if words is None:
            return self
        given = words.model_dump(exclude_none=True)
        return self.model_copy(update=given) if given else self

    @property
    def absolute_base(self) -> str:
        """The base for absolute links: ``url``, else ``base_url`` (a path when no host is
        known, and links stay site-absolute paths)."""
        return self.url or self.base_url


class Site:
    """A site folder and its settings, with every path resolved."""

    def __init__(self, root: Path, config: SiteConfig) -> None:
        self.root = root.resolve()
        self.config = config
        self.content_dir = self.root / config.content
        self.templates_dir = self.root / config.templates
        self.static_dir = self.root / config.static
        self.output_dir = self.root / config.output

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def inputs(self) -> dict[str, Path]:
        """What the site is made from, by what to call it: a build replaces its output
        folder whole, so that folder must hold none of these."""
        return {
            "the site folder": self.root,
            "the content folder": self.content_dir,
            "the templates folder": self.templates_dir,
            "the static folder": self.static_dir,
            CONFIG_NAME: self.config_path,
        }

    def today(self) -> dt.date:
        return self.config.today or dt.date.today()


def load_site_config(root: Path, **overrides: object) -> Site:
    """Read ``site.yaml`` (optional) and apply command-line overrides; raises ContentError."""
    path = root / CONFIG_NAME
    data: dict[str, object] = {}
    raw = RawRecord("config", path, CONFIG_NAME, data)
    if path.exists():
        text = read_text(path, CONFIG_NAME)
        if isinstance(text, Problem):
            raise ContentError([text])
        parsed, positions, problems = parse_yaml(text, CONFIG_NAME)
        if problems:
            raise ContentError(problems)
        if parsed is not None and not isinstance(parsed, dict):
            raise ContentError([Problem(CONFIG_NAME, 1, None, "expected 'setting: value' lines")])
        data = dict(parsed or {})
        raw = RawRecord("config", path, CONFIG_NAME, data, positions)
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as exc:
        raise ContentError(problems_from(raw, SiteConfig, exc)) from None
    site = Site(root, config)
    if outside := _folders_outside(site, raw):
        raise ContentError(outside)
    return site


def _folders_outside(site: Site, raw: RawRecord) -> list[Problem]:
    """The folders a site is made from must be inside it: a build publishes what they
    hold, so a site.yaml from elsewhere must not be able to point them at, say, a home
    folder's keys (a link inside them that leads out is refused for the same reason)."""
    problems = []
    for name in ("content", "templates", "static"):
        folder = (site.root / getattr(site.config, name)).resolve()
        if folder != site.root and site.root not in folder.parents:
            line, column = raw.line_of((name,))
            problems.append(
                Problem(
                    CONFIG_NAME,
                    line,
                    column,
                    f"{name}: '{printable(getattr(site.config, name))}' is outside the site "
                    f"folder ({site.root}), and a build publishes what it holds: move the "
                    "folder into the site, or give a path inside it",
                )
            )
    return problems
