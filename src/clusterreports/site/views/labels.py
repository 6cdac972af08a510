"""The interface's names for record types and for the values of the content's
vocabularies (an event's kind, a speaker's role...), as message catalogue entries.

Written out, not worked out, so that ``pybabel extract`` finds each one; in English
each is what ``humanise`` makes of its value (tests/test_i18n.py keeps the two in step).
"""

from __future__ import annotations

from ..i18n import N_, NP_

# type name: (singular, plural), as the models' ``label`` and ``label_plural``.
TYPE_LABELS = {
    "event": (N_("Event"), N_("Events")),
    "session": (N_("Session"), N_("Sessions")),
    "person": (N_("Person"), N_("People")),
    "organisation": (N_("Organisation"), N_("Organisations")),
    "award": (N_("Award"), N_("Awards")),
    "call": (N_("Funding call"), N_("Funding calls")),
    "poll": (N_("Poll"), N_("Polls")),
    "report": (N_("Report"), N_("Reports")),
    "series": (N_("Series"), N_("Series")),
}

# Each value once, whichever vocabularies share it ("other", "video").
VOCABULARY_LABELS = {
    # EventKind
    "conference": N_("Conference"),
    "online-talk": N_("Online talk"),
    "webinar": N_("Webinar"),
    "matchmaking": N_("Matchmaking"),
    "mission": N_("Mission"),
    "info-day": N_("Info day"),
    "industry-day": N_("Industry day"),
    "trade-fair": N_("Trade fair"),
    "workshop": N_("Workshop"),
    "meeting": N_("Meeting"),
    "other": N_("Other"),
    # SessionKind
    "opening": N_("Opening"),
    "plenary": N_("Plenary"),
    "keynote": N_("Keynote"),
    "panel": N_("Panel"),
    "roundtable": N_("Roundtable"),
    "parallel": N_("Parallel"),
    "breakout": N_("Breakout"),
    "award-ceremony": N_("Award ceremony"),
    "debriefing": N_("Debriefing"),
    "closing": N_("Closing"),
    "presentation": N_("Presentation"),
    "news": N_("News"),
    "video": N_("Video"),
    "networking": N_("Networking"),
    # ParticipantRole
    "speaker": N_("Speaker"),
    "keynote-speaker": N_("Keynote speaker"),
    "moderator": N_("Moderator"),
    "panellist": N_("Panellist"),
    "rapporteur": N_("Rapporteur"),
    "chair": N_("Chair"),
    "presenter": N_("Presenter"),
    "host": N_("Host"),
    "candidate": N_("Candidate"),
    # OrganisationKind
    "cluster-organisation": N_("Cluster organisation"),
    "cluster-partnership": N_("Cluster partnership"),
    "project": N_("Project"),
    "network": N_("Network"),
    "platform": N_("Platform"),
    "initiative": N_("Initiative"),
    "eu-institution": N_("Eu institution"),
    "directorate-general": N_("Directorate general"),
    "unit": N_("Unit"),
    "agency": N_("Agency"),
    "parliament": N_("Parliament"),
    "committee": N_("Committee"),
    "ministry": N_("Ministry"),
    "regional-authority": N_("Regional authority"),
    "public-body": N_("Public body"),
    "company": N_("Company"),
    "university": N_("University"),
    "research-centre": N_("Research centre"),
    "association": N_("Association"),
    # CallKind
    "call-for-proposals": N_("Call for proposals"),
    "call-for-applications": N_("Call for applications"),
    "call-for-expressions-of-interest": N_("Call for expressions of interest"),
    "consultation": N_("Consultation"),
    "tender": N_("Tender"),
    # ReportKind
    "report": N_("Report"),
    "summary": N_("Summary"),
    "newsletter": N_("Newsletter"),
    "editorial": N_("Editorial"),
    "press-release": N_("Press release"),
    "input-paper": N_("Input paper"),
    "article": N_("Article"),
    "guide": N_("Guide"),
    # DecisionMethod
    "jury": N_("Jury"),
    "audience-vote": N_("Audience vote"),
    "jury-and-audience-vote": N_("Jury and audience vote"),
}

# The heading over a publication's parts, by its kind: a sentence of its own in each
# language, as the kind's word changes with it ("In diesem Bericht", "In dieser Zusammenfassung").
PARTS_HEADINGS = {
    "report": N_("In this report"),
    "summary": N_("In this summary"),
    "newsletter": N_("In this newsletter"),
    "editorial": N_("In this editorial"),
    "press-release": N_("In this press release"),
    "input-paper": N_("In this input paper"),
    "article": N_("In this article"),
    "video": N_("In this video"),
    "guide": N_("In this guide"),
    "other": N_("In this publication"),
}

# A speaker's role inside a line of text, "(keynote speaker)": lower case in English,
# as each language writes it there (German keeps its nouns capitalised).
ROLE_TEXTS = {
    "speaker": NP_("role", "speaker"),
    "keynote-speaker": NP_("role", "keynote speaker"),
    "moderator": NP_("role", "moderator"),
    "panellist": NP_("role", "panellist"),
    "rapporteur": NP_("role", "rapporteur"),
    "chair": NP_("role", "chair"),
    "presenter": NP_("role", "presenter"),
    "host": NP_("role", "host"),
    "candidate": NP_("role", "candidate"),
    "other": NP_("role", "other"),
}

# How an award's method reads inside a sentence ("decided by audience vote").
DECISION_TEXTS = {
    "jury": N_("jury"),
    "audience-vote": N_("audience vote"),
    "jury-and-audience-vote": N_("jury and audience vote"),
    "other": N_("other"),
}
