"""The whole build, top to bottom: load -> validate -> link -> plan -> render -> write."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .config import Site
from .load import load_content
from .outputs import BuildContext, extra_files, finalise
from .plan import Page, plan_pages
from .problems import ContentError
from .registry import Registry, link
from .render import Renderer
from .theme import builtin_dir
from .validate import validate_records
from .write import copy_static, staging, write_file


@dataclass
class Checked:
    registry: Registry
    pages: list[Page]


@dataclass
class BuildResult:
    pages: int
    records: int
    static_files: int
    seconds: float

    def summary(self) -> str:
        return (
            f"Built {self.pages} pages from {self.records} records "
            f"({self.static_files} static files) in {self.seconds:.2f} s"
        )


def check(site: Site) -> Checked:
    """Every check a build makes, without writing anything; raises ContentError with
    every problem found across all files."""
    loaded = load_content(site.content_dir, site.root)
    validated = validate_records(loaded.records)
    registry, link_problems = link(validated.records, validated.invalid)
    pages, plan_problems = plan_pages(registry)
    problems = loaded.problems + validated.problems + link_problems + plan_problems
    if problems:
        raise ContentError(problems)
    return Checked(registry, pages)


def build(site: Site) -> BuildResult:
    started = time.perf_counter()
    checked = check(site)
    renderer = Renderer(site, checked.registry)
    context = BuildContext(site, checked.registry, checked.pages, renderer)
    with staging(site.output_dir) as stage:
        for page in checked.pages:
            write_file(stage, page.url, renderer.render(page))
        for url, content in extra_files(context):
            write_file(stage, url, content)
        static_count = copy_static([builtin_dir("static"), site.static_dir], stage)
        finalise(context, stage)
    return BuildResult(
        len(checked.pages), len(checked.registry), static_count, time.perf_counter() - started
    )
