"""The typed content model: one class per record type, no I/O.

References to other records are plain ids annotated with :class:`RefTo`, so the
link stage can find and check every reference generically (see ``iter_references``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    Strict,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from .moment import Moment, MomentField

# Checked with ``fullmatch``: '$' would also match before a final newline, letting
# 'jane-doe\n' through as a second 'jane-doe' page. JSON Schema (ECMA-262) reads '$'
# as the end of the text, so the schema keeps the anchored form.
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_SCHEMA_PATTERN = f"^{ID_PATTERN.pattern}$"
CLOSING_SOON_DAYS = 14
# The shape of a BCP 47 language tag as sites use them ('fr', 'pt-BR', 'zh-Hant'):
# what a translation's file name carries before its extension, and a quote's lang.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class RefTo:
    """Marks a string field as the id of a record of another type."""

    kind: str


def _check_id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        from slugify import slugify

        raise ValueError(
            f"{value!r} is not a valid id: use lowercase letters, digits and single "
            f"hyphens, for example '{slugify(value) or 'my-record'}'"
        )
    return value


def _check_language_code(value: str) -> str:
    if not LANGUAGE_TAG.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a language tag: use a code such as 'en', 'fr' or 'pt-BR'"
        )
    return value


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        raise ValueError(
            f"'{value}' is not a known time zone: use an IANA name such as "
            "'Europe/Brussels' or 'CET' (which shows as CEST in summer)"
        ) from None
    return value


# Not allowed anywhere in a URI (RFC 3986), or silently dropped by the WHATWG parser
# behind HttpUrl (tabs, line breaks), which would hide a content mistake.
_URL_FORBIDDEN = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]')
# Host name labels (underscores do occur in real subdomains), or an IPv6 literal.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\]")
_CHAR_NAMES = {" ": "a space", "\n": "a line break", "\r": "a line break", "\t": "a tab"}
_URL_HINT = (
    "write a full address such as 'https://example.org/page', "
    "percent-encoding any space or quote (%20, %22)"
)


def _check_web_url(value: Any, handler: ValidatorFunctionWrapHandler) -> HttpUrl:
    """An http(s) URL that is well formed as written: pydantic's parser accepts a '"' in
    the host, which would end an HTML attribute wherever a template got escaping wrong."""
    problem = f"{value!r} is not a well-formed web address"
    if isinstance(value, str) and (bad := _URL_FORBIDDEN.search(value)):
        char = _CHAR_NAMES.get(bad.group(), repr(bad.group()))
        raise ValueError(f"{problem}: it contains {char}; {_URL_HINT}")
    try:
        url: HttpUrl = handler(value)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Input should be a valid URL, ")
        raise ValueError(f"{problem} ({reason}): {_URL_HINT}") from None
    if not _HOST.fullmatch(url.host or ""):
        raise ValueError(
            f"{problem}: its host {url.host!r} may hold only letters, digits, hyphens "
            f"and dots; {_URL_HINT}"
        )
    return url


# What no page, feed or calendar can carry: C0 and C1 control characters (XML 1.0,
# which Atom feeds are, forbids most of them), lone surrogates (not encodable as
# UTF-8) and Unicode noncharacters. Prose keeps its line breaks and tabs.
_NOT_TEXT = "\x00-\x08\x0b\x0c\r\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
_NOT_IN_PROSE = re.compile(f"[{_NOT_TEXT}]")
_NOT_IN_LINE = re.compile(f"[\t\n{_NOT_TEXT}]")
_CHARACTER_NAMES = {
    "\0": "a null character",
    "\t": "a tab",
    "\n": "a line break",
    "\v": "a vertical tab",
    "\f": "a form feed",
    "\r": "a carriage return",
}


class BadCharacter(ValueError):
    """A character text cannot hold; carries it so that a problem in a Markdown body
    (which has no field line) can be placed where the character is in the file."""

    def __init__(self, text: str, index: int, one_line: bool) -> None:
        self.character = text[index]
        if one_line and self.character in "\t\n":
            fix = "which this one-line field cannot hold: " + (
                "join the lines" if self.character == "\n" else "use a space"
            )
        else:
            fix = "which text cannot hold: delete it"
        super().__init__(f"character {index + 1} is {character_name(self.character)}, {fix}")


def character_name(character: str) -> str:
    """What a character that text cannot hold is, for a message: 'a tab (U+0009)'."""
    code = ord(character)
    if code in range(0xD800, 0xE000):
        what = "a lone surrogate"
    elif code in range(0xFDD0, 0xFDF0) or code & 0xFFFE == 0xFFFE:
        what = "a Unicode noncharacter"
    else:
        what = _CHARACTER_NAMES.get(character, "a control character")
    return f"{what} (U+{code:04X})"


def _check_line(value: str) -> str:
    found = _NOT_IN_LINE.search(value)
    if found:
        raise BadCharacter(value, found.start(), one_line=True)
    return value


def _check_prose(value: str) -> str:
    found = _NOT_IN_PROSE.search(value)
    if found:
        raise BadCharacter(value, found.start(), one_line=False)
    return value


# Markdown's lists and quotes nest by indentation and by markers ('- - x', '> > x'), and
# the converter recurses once per level of lists: at about 250 levels it fails. A text
# needs a few; this many columns of them is at least 50 levels (4 columns each).
MAX_MARKDOWN_PREFIX = 200
_NESTING = re.compile(r"[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+[ \t>]*)*")
# Python-Markdown looks for the end of each '[' that is still open (a link's text), so
# its time grows with the cube of how many are open at once in a paragraph: 3,000 take
# it 15 s, a hundred a blink. A text needs one or two.
MAX_OPEN_BRACKETS = 100
_BRACKET = re.compile(r"\\.|\[|\]|\n[ \t]*\n")  # an escape, a bracket, a paragraph break


def _check_markdown_nesting(value: str) -> str:
    for number, line in enumerate(value.splitlines(), start=1):
        prefix = _NESTING.match(line)
        width = len(prefix.group().expandtabs(4)) if prefix else 0
        if width > MAX_MARKDOWN_PREFIX:
            raise ValueError(
                f"line {number} of the text starts with {width} columns of indentation "
                f"and list or quote markers, more than {MAX_MARKDOWN_PREFIX}: Markdown "
                "nested that deep cannot be shown; flatten it"
            )
    depth = 0
    for found in _BRACKET.finditer(value):
        token = found.group()
        if token == "[":
            depth += 1
            if depth > MAX_OPEN_BRACKETS:
                number = value.count("\n", 0, found.start()) + 1
                raise ValueError(
                    f"line {number} of the text opens more than {MAX_OPEN_BRACKETS} '[' that are "
                    "not closed yet in one paragraph: Markdown cannot show that many; close "
                    "them with ']' or write '\\[' for a bracket that opens no link"
                )
        elif token == "]":
            depth = max(depth - 1, 0)
        elif token[0] != "\\":  # a new paragraph: links never span one
            depth = 0
    return value


Line = Annotated[str, AfterValidator(_check_line)]
"""One line of text: a name, a title, a label."""
Prose = Annotated[str, AfterValidator(_check_prose)]
"""Text that may run over several lines."""
Text = Annotated[str, Field(min_length=1), AfterValidator(_check_line)]
Paragraph = Annotated[str, Field(min_length=1), AfterValidator(_check_prose)]
# Strict, so that YAML's true/false is not taken for 1/0 (nor 1 or 'yes' for true), and
# finite: .nan and .inf would otherwise pass and fail only when a page or feed shows them.
Number = Annotated[float, Strict(), AllowInfNan(False)]
WholeNumber = StrictInt
Flag = StrictBool

Id = Annotated[Line, AfterValidator(_check_id)]  # Line first: its message never quotes the value
WebUrl = Annotated[HttpUrl, WrapValidator(_check_web_url)]
TimeZone = Annotated[Line | None, AfterValidator(_check_timezone)]
LanguageCode = Annotated[Line, AfterValidator(_check_language_code)]
EventRef = Annotated[Line, RefTo("event")]
SessionRef = Annotated[Line, RefTo("session")]
PersonRef = Annotated[Line, RefTo("person")]
OrgRef = Annotated[Line, RefTo("organisation")]
ReportRef = Annotated[Line, RefTo("report")]


def _end_after_start(end: Moment | None, info: ValidationInfo) -> Moment | None:
    """Checked on the 'end' field itself, so the message points at its line."""
    start = info.data.get("start")
    if start and end and end.sort_key < start.sort_key:
        raise ValueError(f"{end.iso()} is before the start, {start.iso()}: swap them or fix one")
    return end


EndField = Annotated[MomentField | None, AfterValidator(_end_after_start)]


class Part(BaseModel):
    """A nested value inside a record (a role, a figure, a quote...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    translatable: ClassVar[frozenset[str]] = frozenset()
    """The fields a translation gives (content/translate.py): words in the content's
    language. Ids, references, dates, numbers and names are never translated; a field
    holding parts that have translatable fields is translated part by part."""


class Record(Part):
    """Fields every record has. ``body`` is the Markdown prose (a Markdown file's body)."""

    type_name: ClassVar[str]
    folder: ClassVar[str]
    label: ClassVar[str]
    label_plural: ClassVar[str]
    translatable = frozenset({"body"})

    id: Id
    sources: list[ReportRef] = Field(
        default_factory=list, description="The source reports this record's facts come from."
    )
    body: Annotated[Prose, AfterValidator(_check_markdown_nesting)] = Field(
        "", description="Markdown prose."
    )

    @property
    def title_text(self) -> str:
        raise NotImplementedError


# --- vocabularies -------------------------------------------------------------------

EventKind = Literal[
    "conference",
    "online-talk",
    "webinar",
    "matchmaking",
    "mission",
    "info-day",
    "industry-day",
    "trade-fair",
    "workshop",
    "meeting",
    "other",
]
SessionKind = Literal[
    "opening",
    "plenary",
    "keynote",
    "panel",
    "roundtable",
    "parallel",
    "breakout",
    "award-ceremony",
    "debriefing",
    "closing",
    "presentation",
    "news",
    "video",
    "networking",
    "other",
]
ParticipantRole = Literal[
    "speaker",
    "keynote-speaker",
    "moderator",
    "panellist",
    "rapporteur",
    "chair",
    "presenter",
    "host",
    "candidate",
    "other",
]
OrganisationKind = Literal[
    "cluster-organisation",
    "cluster-partnership",
    "project",
    "network",
    "platform",
    "initiative",
    "eu-institution",
    "directorate-general",
    "unit",
    "agency",
    "parliament",
    "committee",
    "ministry",
    "regional-authority",
    "public-body",
    "company",
    "university",
    "research-centre",
    "association",
    "other",
]
EventOrganisationRole = Literal[
    "organiser",
    "co-organiser",
    "partner",
    "supporter",
    "on-behalf-of",
    "delivered-by",
    "presidency",
    "host",
]
DecisionMethod = Literal["jury", "audience-vote", "jury-and-audience-vote", "other"]
CallKind = Literal[
    "call-for-proposals",
    "call-for-applications",
    "call-for-expressions-of-interest",
    "consultation",
    "tender",
    "other",
]
ReportKind = Literal[
    "report",
    "summary",
    "newsletter",
    "editorial",
    "press-release",
    "input-paper",
    "article",
    "video",
    "guide",
    "other",
]
CallStatus = Literal["open", "closing-soon", "closed", "upcoming", "no-deadline"]


# --- nested parts ---------------------------------------------------------------------


class Place(Part):
    venue: Line | None = None
    city: Line | None = None
    country: Line | None = None
    online: Flag | None = Field(
        None, description="true: held online (too); false: the source says it was not."
    )


class Figure(Part):
    """A labelled number such as '500 participants on site'."""

    translatable = frozenset({"label"})
    label: Text
    value: Number
    more_than: Flag = Field(False, description="The source says 'more than' or 'over'.")
    unit: Line | None = None

    @property
    def value_text(self) -> str:
        number = int(self.value) if self.value == int(self.value) else self.value
        text = f"{number:,}" if isinstance(number, int) else str(number)
        return ("more than " if self.more_than else "") + text + (self.unit or "")


class DatedFigure(Figure):
    """An organisation's figure at a date: '120 members in 2016'."""

    as_of: MomentField | None = Field(None, description="The date the source gives it for.")


Aliases = Annotated[
    list[Text],
    Field(
        description="Other spellings: without diacritics, an earlier name, a name as a "
        "source wrote it. Shown as 'also written as' and found by search."
    ),
]


class NewsItem(Part):
    translatable = frozenset({"text"})

    text: Paragraph
    date: MomentField | None = None
    link: WebUrl | None = None


class Quote(Part):
    """Words as they were said: a translation of the record leaves them in ``lang``."""

    translatable = frozenset({"context"})

    text: Paragraph
    person: PersonRef | None = None
    context: Line | None = None
    lang: LanguageCode | None = Field(
        None,
        # Left out of open data when not given, so a one-language site's data stays as it was.
        exclude_if=lambda value: value is None,
        description="The language the words were said in, e.g. 'fr' (default: the site's "
        "default language). Quotes are not translated.",
    )


class Participant(Part):
    translatable = frozenset({"position"})

    person: PersonRef
    role: ParticipantRole | None = Field(None, description="Left out where the source gives none.")
    position: Line | None = Field(
        None, description="The capacity they appeared in, as the source gives it."
    )
    organisation: OrgRef | None = None


class EventOrganisation(Part):
    """An organisation's part in an event, as the source words it."""

    organisation: OrgRef
    role: EventOrganisationRole = Field(
        description="organiser, co-organiser, partner, supporter, on-behalf-of (organised on "
        "behalf of), delivered-by, presidency (under the presidency of), host."
    )


class EventPerson(Part):
    """Someone at an event outside any session: pictured, a trainer, a jury member."""

    translatable = frozenset({"role", "position"})
    person: PersonRef
    role: Text = Field(description="What they were there as, in the source's words.")
    position: Line | None = None
    organisation: OrgRef | None = None


class Role(Part):
    """A position a person held, dated as precisely as the source allows. Sources often
    give only an affiliation ("Richard Tuffs (ERRIN)"), so the title is optional."""

    translatable = frozenset({"title"})
    title: Line | None = None
    organisation: OrgRef | None = None
    start: MomentField | None = None
    end: EndField = None
    as_of: MomentField | None = Field(
        None, description="A date on which the source attests the role."
    )

    @model_validator(mode="after")
    def _title_or_organisation(self) -> Role:
        if not self.title and self.organisation is None:
            raise ValueError("give the role's 'title', its 'organisation' or both")
        return self

    @property
    def when_key(self) -> tuple[int, int, int, int, int]:
        moment = self.as_of or self.start or self.end
        return moment.sort_key if moment else (0, 0, 0, 0, 0)


class Entry(Part):
    """A winner or a shortlisted candidate: a person, an organisation, or both."""

    translatable = frozenset({"note"})
    person: PersonRef | None = None
    organisation: OrgRef | None = None
    note: Prose | None = None

    @model_validator(mode="after")
    def _someone(self) -> Entry:
        if self.person is None and self.organisation is None:
            raise ValueError("give a 'person', an 'organisation' or both")
        return self


# What an alt text must not be: a camera's or an export's file name says nothing to
# someone who cannot see the picture.
_FILE_NAME = re.compile(
    r"[^\s/\\]+\.(?:jpe?g|png|webp|gif|svg|heic|tiff?)|(?:img|dsc|dscn|dscf|pxl|p)[_-]?\d+",
    re.IGNORECASE,
)


class Image(Part):
    """A picture: a person's portrait, an organisation's logo, an event's photo. Its file
    is looked for beside the record, then under content/images/, then under static/."""

    # That the file is there and readable is checked by content/images.py: models do no I/O.
    translatable = frozenset({"alt", "caption"})

    file: Text = Field(
        description="The image file: beside the record, under content/images/ or static/."
    )
    decorative: Flag = Field(False, description='true: the image only decorates (then alt is "").')
    alt: Line | None = Field(
        None,
        validate_default=True,
        description="Required: what someone who cannot see the image needs to know.",
    )
    caption: Line | None = None
    credit: Line | None = Field(None, description="The photographer or source.")
    people: list[PersonRef] = Field(
        default_factory=list, description="Who is pictured: the photo shows on their pages too."
    )

    @field_validator("alt")
    @classmethod
    def _described(cls, alt: str | None, info: ValidationInfo) -> str | None:
        decorative = info.data.get("decorative", False)
        if decorative:
            if alt is None or alt.strip():
                raise ValueError(
                    'a decorative image has an empty alt: write alt: "" (or describe it '
                    "and leave out decorative: true)"
                )
            return ""
        if alt is None:
            raise ValueError(
                "missing 'alt': describe what the image shows for someone who cannot see "
                'it (an image that only decorates says alt: "" and decorative: true)'
            )
        if not alt.strip():
            raise ValueError(
                "an empty alt is for a decorative image: describe what the image shows, "
                "or add decorative: true if it only decorates"
            )
        file = info.data.get("file", "")
        name = file.rsplit("/", 1)[-1]
        if _FILE_NAME.fullmatch(alt.strip()) or alt.strip() in (name, name.rsplit(".", 1)[0]):
            raise ValueError(
                f"{alt!r} is a file name, not a description: say what the image shows "
                "for someone who cannot see it"
            )
        return alt


@dataclass(frozen=True, slots=True)
class ImageFile:
    """What the build found at an image's file (content/images.py fills these in)."""

    path: str  # absolute
    digest: str  # sha256 of its bytes, hex: processed files are named and cached by it
    format: str  # JPEG, PNG, WEBP, GIF or SVG
    width: int | None  # as shown, after EXIF orientation; None: an SVG without a size
    height: int | None


Photos = Annotated[
    list[Image],
    Field(description="Photos, shown in a gallery (each with alt; caption, credit, people)."),
]


class Answer(Part):
    """One answer of a poll. Sources often give only the winning answer or a ranking,
    so the share is optional; ``chosen`` and ``rank`` say what they give instead."""

    translatable = frozenset({"text"})
    text: Text
    share: Number | None = Field(
        None, ge=0, le=100, description="Percentage of respondents, where the source gives it."
    )
    chosen: Flag = Field(False, description="The answer the vote chose.")
    rank: WholeNumber | None = Field(
        None, ge=1, description="Its place in a ranking the source gives."
    )


# --- records ----------------------------------------------------------------------------


class Event(Record):
    type_name = "event"
    folder = "events"
    label = "Event"
    label_plural = "Events"
    translatable = Record.translatable | {"title", "theme", "key_messages"}

    title: Text
    kind: EventKind
    series: Line | None = Field(
        None,
        description="The id of a series record (content/series/ID.yaml), which links the "
        "editions; or the series' name as free text.",
    )
    edition: WholeNumber | None = Field(None, ge=1)
    theme: Line | None = None
    start: MomentField | None = None
    end: EndField = None
    timezone: TimeZone = None
    place: Place | None = None
    organisers: list[OrgRef] = Field(
        default_factory=list, description="Shorthand for organisations with role organiser."
    )
    supporters: list[OrgRef] = Field(
        default_factory=list, description="Shorthand for organisations with role supporter."
    )
    organisations: list[EventOrganisation] = Field(
        default_factory=list, description="Organisations with their part in the event."
    )
    moderators: list[PersonRef] = Field(default_factory=list)
    people: list[EventPerson] = Field(
        default_factory=list, description="People at the event outside any session."
    )
    figures: list[Figure] = Field(default_factory=list)
    key_messages: list[Paragraph] = Field(default_factory=list)
    news: list[NewsItem] = Field(default_factory=list)
    part_of: EventRef | None = Field(None, description="The event this one was held alongside.")
    about: list[EventRef] = Field(
        default_factory=list, description="Events this one reports on or discusses."
    )
    website: WebUrl | None = None
    hashtag: Line | None = None
    photos: Photos = Field(default_factory=list)

    @property
    def title_text(self) -> str:
        return self.title

    @property
    def year(self) -> int | None:
        return self.start.year if self.start else None


class Session(Record):
    type_name = "session"
    folder = "sessions"
    label = "Session"
    label_plural = "Sessions"
    translatable = Record.translatable | {"title", "key_messages", "topics"}

    event: EventRef
    title: Text
    kind: SessionKind | None = None
    day: WholeNumber | None = Field(None, ge=1, description="Day of the event, counting from 1.")
    order: WholeNumber | None = Field(None, description="Position in the day's agenda.")
    start: MomentField | None = None
    end: EndField = None
    timezone: TimeZone = Field(
        None, description="The zone of 'start' and 'end' (default: the event's)."
    )
    room: Line | None = Field(None, description="Where at the venue: a room or stage.")
    participants: list[Participant] = Field(default_factory=list)
    topics: list[Text] = Field(default_factory=list)
    showcased: list[OrgRef] = Field(
        default_factory=list, description="Projects, partnerships or organisations presented."
    )
    key_messages: list[Paragraph] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    photos: Photos = Field(default_factory=list)

    @property
    def title_text(self) -> str:
        return self.title


class Person(Record):
    type_name = "person"
    folder = "people"
    label = "Person"
    label_plural = "People"

    name: Text
    sort_name: Line | None = Field(
        None, description="What to sort by in the A-Z index (default: the last word)."
    )
    honorific: Line | None = None
    aliases: Aliases = Field(default_factory=list)
    distinct_from: list[PersonRef] = Field(
        default_factory=list,
        description="People with a similar name who are someone else (silences the check).",
    )
    country: Line | None = None
    roles: list[Role] = Field(default_factory=list)
    portrait: Image | None = None

    @property
    def title_text(self) -> str:
        return self.name

    @property
    def sort_text(self) -> str:
        return self.sort_name or self.name.split()[-1]


class Organisation(Record):
    type_name = "organisation"
    folder = "organisations"
    label = "Organisation"
    label_plural = "Organisations"

    name: Text
    acronym: Line | None = None
    aliases: Aliases = Field(default_factory=list)
    distinct_from: list[OrgRef] = Field(
        default_factory=list,
        description="Organisations with a similar name that are another (silences the check).",
    )
    kind: OrganisationKind | None = None
    country: Line | None = None
    parent: OrgRef | None = None
    lead: OrgRef | None = Field(None, description="The organisation that leads it.")
    partners: list[OrgRef] = Field(default_factory=list)
    website: WebUrl | None = None
    founded: MomentField | None = Field(None, description="When it was founded or launched.")
    figures: list[DatedFigure] = Field(
        default_factory=list, description="Dated figures: members, employees..."
    )
    renamed_to: OrgRef | None = Field(
        None, description="The record of the name it took (that record's page links back)."
    )
    renamed: MomentField | None = Field(
        None, description="When the rename happened (on either of the two records)."
    )
    formerly: OrgRef | None = Field(
        None, description="The record of its earlier name (that record's page links back)."
    )
    logo: Image | None = Field(None, description="JPEG, PNG, WebP, GIF or SVG.")

    @property
    def title_text(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Award(Record):
    type_name = "award"
    folder = "awards"
    label = "Award"
    label_plural = "Awards"
    translatable = Record.translatable | {"name", "title"}

    name: Text = Field(description="The award's name, shared by every year's record.")
    year: WholeNumber = Field(ge=1900, le=2999)
    title: Line | None = Field(None, description="This year's title, if the source words it.")
    event: EventRef | None = None
    organisers: list[OrgRef] = Field(default_factory=list)
    winners: list[Entry] = Field(default_factory=list)
    shortlist: list[Entry] = Field(default_factory=list)
    shortlisted_by: DecisionMethod | None = None
    decided_by: DecisionMethod | None = None
    photos: Photos = Field(default_factory=list)

    @property
    def title_text(self) -> str:
        return self.title or f"{self.name} {self.year}"


class FundingCall(Record):
    type_name = "call"
    folder = "calls"
    label = "Funding call"
    label_plural = "Funding calls"
    translatable = Record.translatable | {"title"}

    title: Text
    kind: CallKind | None = None
    funder: OrgRef | None = None
    issuer: OrgRef | None = Field(
        None, description="Who runs the call, where not the funder (a project with EU money)."
    )
    programme: Line | None = None
    opens: MomentField | None = None
    deadline: MomentField | None = None
    timezone: TimeZone = None
    link: WebUrl | None = None
    events: list[EventRef] = Field(default_factory=list, description="Where it was announced.")
    session: SessionRef | None = None

    @property
    def title_text(self) -> str:
        return self.title

    def status(self, today: dt.date) -> CallStatus:
        """Status as of ``today``; a deadline known only to the month runs to its end."""
        if self.deadline is None:
            if self.opens and self.opens.first_day() > today:
                return "upcoming"
            return "no-deadline"
        if self.opens and self.opens.first_day() > today:
            return "upcoming"
        last = self.deadline.last_day()
        if last < today:
            return "closed"
        if (last - today).days <= CLOSING_SOON_DAYS:
            return "closing-soon"
        return "open"

    def days_left(self, today: dt.date) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline.last_day() - today).days


class Poll(Record):
    type_name = "poll"
    folder = "polls"
    label = "Poll"
    label_plural = "Polls"
    translatable = Record.translatable | {"question", "method"}

    question: Text
    session: SessionRef | None = None
    event: EventRef | None = None
    method: Line | None = Field(None, description="How it was run, e.g. electronic voting.")
    respondents: WholeNumber | None = Field(None, ge=0)
    answers: list[Answer] = Field(min_length=1)

    @model_validator(mode="after")
    def _shares_add_up(self) -> Poll:
        total = sum(a.share for a in self.answers if a.share is not None)
        if total > 100.5:
            raise ValueError(f"the answers' shares add up to {total:g}%, more than 100%")
        return self

    @property
    def title_text(self) -> str:
        return self.question


class Series(Record):
    """A series of events (a yearly conference): its page lists its editions, found by
    their ``series`` (this id, or this name as text)."""

    type_name = "series"
    folder = "series"
    label = "Series"
    label_plural = "Series"
    translatable = Record.translatable | {"name"}

    name: Text
    organisers: list[OrgRef] = Field(default_factory=list)
    website: WebUrl | None = None

    @property
    def title_text(self) -> str:
        return self.name


class Report(Record):
    type_name = "report"
    folder = "reports"
    label = "Report"
    label_plural = "Reports"
    translatable = Record.translatable | {"title", "findings"}

    title: Text
    kind: ReportKind | None = None
    publishers: list[OrgRef] = Field(default_factory=list)
    authors: list[PersonRef] = Field(default_factory=list)
    date: MomentField | None = None
    link: WebUrl | None = None
    part_of: ReportRef | None = None
    about: list[EventRef] = Field(default_factory=list)
    findings: list[Paragraph] = Field(default_factory=list)

    @property
    def title_text(self) -> str:
        return self.title


RECORD_TYPES: tuple[type[Record], ...] = (
    Event,
    Session,
    Person,
    Organisation,
    Award,
    FundingCall,
    Poll,
    Report,
    Series,
)
TYPES_BY_NAME: dict[str, type[Record]] = {t.type_name: t for t in RECORD_TYPES}
TYPES_BY_FOLDER: dict[str, type[Record]] = {t.folder: t for t in RECORD_TYPES}

Loc = tuple[str | int, ...]


def _ref_kind(annotation: Any) -> str | None:
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, RefTo):
                return meta.kind
    return None


# Where references can sit in a field: ("ref", kind), ("list", item shape),
# ("model", nested model class) or ("union", shapes); None when a field holds none.
Shape = tuple[str, Any] | None


def _shape(annotation: Any) -> Shape:
    kind = _ref_kind(annotation)
    if kind is not None:
        return ("ref", kind)
    origin = get_origin(annotation)
    if origin is Annotated:
        return _shape(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        shapes = [s for o in get_args(annotation) if o is not type(None) and (s := _shape(o))]
        if len(shapes) > 1:
            return ("union", tuple(shapes))
        return shapes[0] if shapes else None
    if origin is list:
        item = _shape(get_args(annotation)[0])
        return ("list", item) if item else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("model", annotation) if _reference_fields(annotation) else None
    return None


@functools.cache
def _reference_fields(model_type: type[BaseModel]) -> tuple[tuple[str, Shape], ...]:
    """The fields of a model that can hold references, worked out once per class:
    the link stage walks every record, so type introspection must not run per record."""
    found = []
    for name, field in model_type.model_fields.items():
        annotation: Any = field.annotation
        if field.metadata:
            annotation = Annotated[(annotation, *field.metadata)]
        shape = _shape(annotation)
        if shape is not None:
            found.append((name, shape))
    return tuple(found)


def _walk(value: Any, shape: Shape, loc: Loc) -> Iterator[tuple[Loc, str, str]]:
    if value is None or shape is None:
        return
    tag, arg = shape
    if tag == "ref":
        yield loc, arg, value
    elif tag == "list":
        for index, item in enumerate(value):
            yield from _walk(item, arg, (*loc, index))
    elif tag == "model":
        yield from iter_references(value, loc)
    else:
        for option in arg:
            yield from _walk(value, option, loc)


def naming_fields(model_type: type[BaseModel]) -> Iterator[tuple[str, str]]:
    """(field name, record type) of each field of a model that names records itself:
    alone, in a list or in a union, not inside a nested part (which has its own)."""
    for name, shape in _reference_fields(model_type):
        kind = _named_kind(shape)
        if kind is not None:
            yield name, kind


def _named_kind(shape: Shape) -> str | None:
    if shape is None:
        return None
    tag, arg = shape
    if tag == "ref":
        return str(arg)
    if tag == "list":
        return _named_kind(arg)
    if tag == "union":
        return next((kind for option in arg if (kind := _named_kind(option))), None)
    return None


def iter_references(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str, str]]:
    """Every reference in a record as (location, target type, id), nested parts included."""
    for name, shape in _reference_fields(type(model)):
        yield from _walk(getattr(model, name), shape, (*loc, name))


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class a field's type holds, alone, in a list or in a union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = model_in(arg)
        if found is not None:
            return found
    return None


@functools.cache
def translatable_fields(model_type: type[Part]) -> dict[str, type[Part] | None]:
    """The fields a translation of ``model_type`` may give: its ``translatable`` ones
    (None), and those holding parts with translatable fields of their own (the part's
    class), translated part by part. Worked out once per class."""
    found: dict[str, type[Part] | None] = {}
    for name, field in model_type.model_fields.items():
        if name in model_type.translatable:
            found[name] = None
            continue
        part = model_in(field.annotation)
        if part is not None and issubclass(part, Part) and translatable_fields(part):
            found[name] = part
    return found
