"""One function per output format that makes content text safe to write in it.

Content is written by people and copied from sources, so any text may hold what a format
gives meaning to. Each format escapes for itself, whatever the load stage already
checked: a writer passes every text it takes from content through its format's function.

- HTML: Jinja's autoescape, nothing here; links to other sites are built in the
  ``external_link`` macro (templates/_macros.html), never assembled and marked safe.
- JSON-LD inside ``<script>``: :func:`script_json`.
- iCalendar: :func:`ical_text`.
- Atom and sitemap XML: :func:`xml_text`.
- CSV: :func:`csv_cell`; the writer also quotes every field (``CSV_QUOTING``).
"""

from __future__ import annotations

import csv
import json
import re
from typing import Final

import icalendar
from markupsafe import Markup

# Characters XML 1.0 forbids anywhere in a document (its 'Char' production): lxml, under
# feedgen, refuses them rather than writing them, which would fail the build.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# RFC 5545 TEXT allows no control character but HTAB; line breaks are kept, as
# icalendar escapes them ('\\n').
_LINE_BREAK = re.compile("\r\n?")
_ICAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTING: Final = csv.QUOTE_ALL


def script_json(data: object) -> Markup:
    """JSON that cannot end a ``<script>`` element early or open a comment or CDATA,
    whatever the content says ('</script>' becomes '\\u003c/script\\u003e'); U+2028 and
    U+2029 are escaped too, as older JavaScript parsers end a string at them."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def ical_text(text: str) -> icalendar.vText:
    """A TEXT value that stays one property: typed as ``vText``, so icalendar escapes
    line breaks, ';', ',' and '\\' and folds long lines even for a property it does not
    know as TEXT (NAME, X-WR-CALNAME), where it would otherwise write a raw line break
    (an AssertionError, and under ``python -O`` a line of the content's choosing)."""
    return icalendar.vText(_ICAL_CONTROL.sub("", _LINE_BREAK.sub("\n", text)))


def xml_text(text: str) -> str:
    """Text an XML 1.0 document can hold: the control characters it forbids removed
    (the XML writer escapes '<', '&' and quotes itself)."""
    return _NOT_XML_CHAR.sub("", text)


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading
    single quote, as OWASP advises, so '=HYPERLINK(...)' is not run when opened."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
