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
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationInfo,
    model_validator,
)

from .moment import Moment, MomentField

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOSING_SOON_DAYS = 14


@dataclass(frozen=True)
class RefTo:
    """Marks a string field as the id of a record of another type."""

    kind: str


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        from slugify import slugify

        raise ValueError(
            f"'{value}' is not a valid id: use lowercase letters, digits and single "
            f"hyphens, for example '{slugify(value) or 'my-record'}'"
        )
    return value


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{value}' is not a known time zone: use an IANA name such as "
            "'Europe/Brussels' or 'CET' (which shows as CEST in summer)"
        ) from None
    return value


Id = Annotated[str, AfterValidator(_check_id)]
TimeZone = Annotated[str | None, AfterValidator(_check_timezone)]
EventRef = Annotated[str, RefTo("event")]
SessionRef = Annotated[str, RefTo("session")]
PersonRef = Annotated[str, RefTo("person")]
OrgRef = Annotated[str, RefTo("organisation")]
ReportRef = Annotated[str, RefTo("report")]
Text = Annotated[str, Field(min_length=1)]


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


class Record(Part):
    """Fields every record has. ``body`` is the Markdown prose (a Markdown file's body)."""

    type_name: ClassVar[str]
    folder: ClassVar[str]
    label: ClassVar[str]
    label_plural: ClassVar[str]

    id: Id
    sources: list[ReportRef] = Field(
        default_factory=list, description="The source reports this record's facts come from."
    )
    body: str = Field("", description="Markdown prose.")

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
    venue: str | None = None
    city: str | None = None
    country: str | None = None
    online: bool | None = Field(
        None, description="true: held online (too); false: the source says it was not."
    )


class Figure(Part):
    """A labelled number such as '500 participants on site'."""

    label: Text
    value: float
    more_than: bool = Field(False, description="The source says 'more than' or 'over'.")
    unit: str | None = None

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
    text: Text
    date: MomentField | None = None
    link: HttpUrl | None = None


class Quote(Part):
    text: Text
    person: PersonRef | None = None
    context: str | None = None


class Participant(Part):
    person: PersonRef
    role: ParticipantRole | None = Field(None, description="Left out where the source gives none.")
    position: str | None = Field(
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

    person: PersonRef
    role: Text = Field(description="What they were there as, in the source's words.")
    position: str | None = None
    organisation: OrgRef | None = None


class Role(Part):
    """A position a person held, dated as precisely as the source allows. Sources often
    give only an affiliation ("Richard Tuffs (ERRIN)"), so the title is optional."""

    title: str | None = None
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

    person: PersonRef | None = None
    organisation: OrgRef | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _someone(self) -> Entry:
        if self.person is None and self.organisation is None:
            raise ValueError("give a 'person', an 'organisation' or both")
        return self


class Answer(Part):
    """One answer of a poll. Sources often give only the winning answer or a ranking,
    so the share is optional; ``chosen`` and ``rank`` say what they give instead."""

    text: Text
    share: float | None = Field(
        None, ge=0, le=100, description="Percentage of respondents, where the source gives it."
    )
    chosen: bool = Field(False, description="The answer the vote chose.")
    rank: int | None = Field(None, ge=1, description="Its place in a ranking the source gives.")


# --- records ----------------------------------------------------------------------------


class Event(Record):
    type_name = "event"
    folder = "events"
    label = "Event"
    label_plural = "Events"

    title: Text
    kind: EventKind
    series: str | None = Field(
        None,
        description="The id of a series record (content/series/ID.yaml), which links the "
        "editions; or the series' name as free text.",
    )
    edition: int | None = Field(None, ge=1)
    theme: str | None = None
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
    key_messages: list[Text] = Field(default_factory=list)
    news: list[NewsItem] = Field(default_factory=list)
    part_of: EventRef | None = Field(None, description="The event this one was held alongside.")
    about: list[EventRef] = Field(
        default_factory=list, description="Events this one reports on or discusses."
    )
    website: HttpUrl | None = None
    hashtag: str | None = None

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

    event: EventRef
    title: Text
    kind: SessionKind | None = None
    day: int | None = Field(None, ge=1, description="Day of the event, counting from 1.")
    order: int | None = Field(None, description="Position in the day's agenda.")
    start: MomentField | None = None
    end: EndField = None
    participants: list[Participant] = Field(default_factory=list)
    topics: list[Text] = Field(default_factory=list)
    showcased: list[OrgRef] = Field(
        default_factory=list, description="Projects, partnerships or organisations presented."
    )
    key_messages: list[Text] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)

    @property
    def title_text(self) -> str:
        return self.title


class Person(Record):
    type_name = "person"
    folder = "people"
    label = "Person"
    label_plural = "People"

    name: Text
    sort_name: str | None = Field(
        None, description="What to sort by in the A-Z index (default: the last word)."
    )
    honorific: str | None = None
    aliases: Aliases = Field(default_factory=list)
    distinct_from: list[PersonRef] = Field(
        default_factory=list,
        description="People with a similar name who are someone else (silences the check).",
    )
    country: str | None = None
    roles: list[Role] = Field(default_factory=list)

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
    acronym: str | None = None
    aliases: Aliases = Field(default_factory=list)
    distinct_from: list[OrgRef] = Field(
        default_factory=list,
        description="Organisations with a similar name that are another (silences the check).",
    )
    kind: OrganisationKind | None = None
    country: str | None = None
    parent: OrgRef | None = None
    lead: OrgRef | None = Field(None, description="The organisation that leads it.")
    partners: list[OrgRef] = Field(default_factory=list)
    website: HttpUrl | None = None
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

    @property
    def title_text(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Award(Record):
    type_name = "award"
    folder = "awards"
    label = "Award"
    label_plural = "Awards"

    name: Text = Field(description="The award's name, shared by every year's record.")
    year: int = Field(ge=1900, le=2999)
    title: str | None = Field(None, description="This year's title, if the source words it.")
    event: EventRef | None = None
    organisers: list[OrgRef] = Field(default_factory=list)
    winners: list[Entry] = Field(default_factory=list)
    shortlist: list[Entry] = Field(default_factory=list)
    shortlisted_by: DecisionMethod | None = None
    decided_by: DecisionMethod | None = None

    @property
    def title_text(self) -> str:
        return self.title or f"{self.name} {self.year}"


class FundingCall(Record):
    type_name = "call"
    folder = "calls"
    label = "Funding call"
    label_plural = "Funding calls"

    title: Text
    kind: CallKind | None = None
    funder: OrgRef | None = None
    issuer: OrgRef | None = Field(
        None, description="Who runs the call, where not the funder (a project with EU money)."
    )
    programme: str | None = None
    opens: MomentField | None = None
    deadline: MomentField | None = None
    timezone: TimeZone = None
    link: HttpUrl | None = None
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

    question: Text
    session: SessionRef | None = None
    event: EventRef | None = None
    method: str | None = Field(None, description="How it was run, e.g. electronic voting.")
    respondents: int | None = Field(None, ge=0)
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

    name: Text
    organisers: list[OrgRef] = Field(default_factory=list)
    website: HttpUrl | None = None

    @property
    def title_text(self) -> str:
        return self.name


class Report(Record):
    type_name = "report"
    folder = "reports"
    label = "Report"
    label_plural = "Reports"

    title: Text
    kind: ReportKind | None = None
    publishers: list[OrgRef] = Field(default_factory=list)
    authors: list[PersonRef] = Field(default_factory=list)
    date: MomentField | None = None
    link: HttpUrl | None = None
    part_of: ReportRef | None = None
    about: list[EventRef] = Field(default_factory=list)
    findings: list[Text] = Field(default_factory=list)

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


def iter_references(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, str, str]]:
    """Every reference in a record as (location, target type, id), nested parts included."""
    for name, shape in _reference_fields(type(model)):
        yield from _walk(getattr(model, name), shape, (*loc, name))
