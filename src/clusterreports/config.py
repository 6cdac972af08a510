"""Site-wide settings, read from ``site.yaml`` at the top of a site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from .load import RawRecord, parse_yaml, read_text
from .problems import ContentError, Problem
from .validate import problems_from

CONFIG_NAME = "site.yaml"


def _check_base_url(value: str) -> str:
    if not value.endswith("/"):
        value += "/"
    if not (value.startswith("/") or value.startswith(("http://", "https://"))):
        raise ValueError(f"'{value}' must start with '/' or 'https://', e.g. '/reports/'")
    return value


class SiteConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = "Conference reports"
    description: str = ""
    base_url: Annotated[str, AfterValidator(_check_base_url)] = Field(
        "/", description="Where the site is served from: '/' or '/sub/path/' or a full URL."
    )
    language: str = "en"
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
    content: str = "content"
    templates: str = "templates"
    static: str = "static"
    output: str = "_site"


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
    return Site(root, config)
