"""Views of polls, their answers drawn as bars."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...content.models import Answer, Poll
from .base import View
from .format import Bar

if TYPE_CHECKING:
    from .events import EventView, SessionView


class PollView(View[Poll]):
    title_fields = ("question",)

    @property
    def session(self) -> SessionView | None:
        return self.site.find("session", self.record.session)

    @property
    def event(self) -> EventView | None:
        found = self.site.find("event", self.record.event)
        if found is None and self.session is not None:
            return self.session.event_view
        return found

    @property
    def answers(self) -> list[Answer]:
        """What is known, in one order: the chosen answer(s) first, then by the rank the
        source gives, then as the source lists them."""
        listed = list(enumerate(self.record.answers))
        listed.sort(key=lambda ia: (not ia[1].chosen, ia[1].rank or 10**9, ia[0]))
        return [answer for _, answer in listed]

    @property
    def shares_given(self) -> bool:
        """Every answer has its share: the chart says all there is, no list is needed."""
        return all(a.share is not None for a in self.record.answers)

    @property
    def unreported_share(self) -> float:
        """The share the source does not break down (answers often cover only the top ones)."""
        shares = [a.share for a in self.record.answers if a.share is not None]
        return max(0.0, 100.0 - sum(shares)) if shares else 0.0

    @property
    def bars(self) -> list[Bar]:
        """The answers with a share as chart bars, and a muted one for the share no
        answer accounts for; none where the source gives no shares."""
        gettext = self.site.interface.gettext
        chosen = gettext("%(answer)s (chosen)")
        bars = [
            Bar(chosen % {"answer": a.text} if a.chosen else a.text, a.share)
            for a in self.answers
            if a.share is not None
        ]
        rest = round(self.unreported_share, 1)
        if bars and rest > 0.5:
            bars.append(Bar(gettext("Not broken down by the source"), rest, other=True))
        return bars
