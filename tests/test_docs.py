"""The documentation tells the truth: every record example in docs/writing-content.md
(and the README's) is a record ``check`` accepts, the site.yaml example is valid
settings, and every link in the README and docs/ leads to a file and heading that exist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from clusterreports import RECORD_TYPES, check, load_site_config
from clusterreports.content.models import Image, translatable_fields

from .conftest import ROOT

DOCS = ROOT / "docs"
# A record example: a YAML block whose first line names the file it would be.
EXAMPLE = re.compile(
    r"^```yaml\n# (content/(?P<folder>[a-z]+)/(?P<id>[a-z0-9-]+)\.(?:yaml|md))\n(?P<text>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
# A translation example: named after the record it translates, with the language.
TRANSLATION = re.compile(
    r"^```yaml\n# (content/(?P<folder>[a-z]+)/(?P<id>[a-z0-9-]+)\.(?P<lang>[a-z]{2})\.(?:yaml|md))"
    r"\n(?P<text>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
FENCE = re.compile(r"^```.*?^```$", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def examples(document: Path) -> list[re.Match[str]]:
    return list(EXAMPLE.finditer(document.read_text(encoding="utf-8")))


def passes_check(
    found: list[re.Match[str]],
    site: Path,
    translations: list[re.Match[str]] | None = None,
    languages: str | None = None,
) -> None:
    """Write the examples over this repository's own content (which holds the records
    they mention) and run ``check --strict``: every example must parse, have only fields
    its model knows, with valid values, and refer only to records that exist; every
    translation example must be a translation check keeps."""
    shutil.copytree(ROOT / "content", site / "content")
    translations = translations or []
    for example in [*found, *translations]:
        folder = site / "content" / example["folder"]
        # An example stands in for the record of its id, whatever that file's extension.
        name = f"{example['id']}.{example['lang']}" if example in translations else example["id"]
        for same in [*folder.rglob(f"{name}.yaml"), *folder.rglob(f"{name}.md")]:
            same.unlink()
        if example not in translations:  # a record replaced: its translations went with it
            for translation in folder.rglob(f"{name}.*.*"):
                translation.unlink()
        (site / example[1]).write_text(example["text"], encoding="utf-8")
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")  # its languages, for the translations
    if languages is not None:
        settings = site / "site.yaml"
        text = settings.read_text(encoding="utf-8")
        settings.write_text(re.sub(r"(?m)^languages: .*$", languages, text), encoding="utf-8")
    checked = check(load_site_config(site, today="2022-11-15"), jobs=1, strict=True)
    # Each example is the record check read under its id, not a file left beside it.
    origins = checked.registry.origins
    kinds = {t.folder: t.type_name for t in RECORD_TYPES}
    read = {m[1]: origins[kinds[m["folder"]], m["id"]].path for m in found}
    assert read == {m[1]: site / m[1] for m in found}
    for example in translations:
        key = (kinds[example["folder"]], example["id"])
        assert checked.registry.translated_fields(key, example["lang"]), example[1]


def test_every_record_example_passes_check(tmp_path: Path) -> None:
    found = examples(DOCS / "writing-content.md")
    assert {m["folder"] for m in found} == {t.folder for t in RECORD_TYPES}
    passes_check(found, tmp_path)


def test_every_translation_example_passes_check(tmp_path: Path) -> None:
    """Checked with the record examples they translate, on a site in English and French."""
    document = DOCS / "writing-content.md"
    translations = list(TRANSLATION.finditer(document.read_text(encoding="utf-8")))
    assert {m["folder"] for m in translations} == {"events", "sessions"}
    passes_check(examples(document), tmp_path, translations)


def test_the_table_of_translatable_fields_is_the_models() -> None:
    text = (DOCS / "writing-content.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z][a-z ]+) \|(.*?)\|(.*?)\|$", text, re.MULTILINE)
    by_label = {t.label: t for t in RECORD_TYPES}
    tabled = {label: (fields, parts) for label, fields, parts in rows if label in by_label}
    assert set(tabled) == set(by_label)
    for label, (fields, parts) in tabled.items():
        translatable = translatable_fields(by_label[label])
        plain = {name for name, part in translatable.items() if part is None} - {"body"}
        nested = {name for name, part in translatable.items() if part is not None}
        # A picture's fields are told once, below the table.
        nested |= {
            sub
            for part in translatable.values()
            if part is not None and part is not Image
            for sub in part.translatable
        }
        assert set(re.findall(r"`(\w+)`", fields)) == plain, label
        assert set(re.findall(r"`(\w+)`", parts)) == nested, label


def test_readme_record_example_passes_check(tmp_path: Path) -> None:
    """Checked on its own: it shares its file name with a fuller example in the docs."""
    found = examples(ROOT / "README.md")
    assert [m["folder"] for m in found] == ["sessions"]
    passes_check(found, tmp_path)


def test_readme_translation_example_passes_check(tmp_path: Path) -> None:
    """The README's "Add a language": its site.yaml line and translation, checked together."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    translations = list(TRANSLATION.finditer(text))
    assert [(m["folder"], m["lang"]) for m in translations] == [("events", "de")]
    languages = re.search(
        r"^```yaml\n# site.yaml\n(languages: .*?)\s*(?:#.*)?$", text, re.MULTILINE
    )
    assert languages is not None
    passes_check([], tmp_path, translations, languages[1])


def test_site_settings_example_is_valid(tmp_path: Path) -> None:
    settings = (DOCS / "settings.md").read_text(encoding="utf-8")
    block = re.search(r"^```yaml\n(title: .*?)^```$", settings, re.MULTILINE | re.DOTALL)
    assert block is not None
    (tmp_path / "site.yaml").write_text(block[1], encoding="utf-8")
    config = load_site_config(tmp_path).config
    written = yaml.safe_load(block[1])
    read = config.model_dump(include=set(written))
    assert {key: read[key] for key in written} == written


def heading_anchors(document: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings."""
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


DOCUMENTS = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_links_lead_somewhere(document: Path) -> None:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http(s): and mailto: leave this repository
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif anchor and anchor not in heading_anchors(linked):
            broken.append(f"{target}: no heading '{anchor}' in {linked.name}")
    assert broken == []
