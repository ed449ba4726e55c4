"""The SKM report's data: what the database holds for a period (``read``), and its figures (``build``,
pure).

Counts only: the ratings are anonymous (no visitor is linked to a rating in any query here), the
complaints are counted by kind and status (their text and contact are personal data and stay in the
database). The respondent profile (sex, age band, education, occupation: ``shared.domain.skm_profile``)
is read from its own counts (``shared.store.skm_profiles``), never beside a rating; the service used
is the rated ticket's. Respondents are also split by how they rated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from broker.reports.data import ComplaintFacts, Period, _complaints, _in, _ratings
from broker.reports.figures import STATUSES, Complaints, element_counts
from broker.reports.sla import Stats
from shared.config import Settings
from shared.domain.sample_size import minimum_sample
from shared.domain.skm import ELEMENT_KEYS, ElementScore, IkmResult, compute_ikm
from shared.domain.skm_profile import ITEMS
from shared.store import skm_profiles
from shared.store.models import OnlineRequestRow, RatingRow, TicketRow

WEAKEST = 3  # how many of the lowest-scored elements the follow-up plan lists
SOURCES = ("desk", "kiosk", "online")


@dataclass(frozen=True)
class SkmData:
    period: Period
    previous_period: Period
    ratings: list[dict[str, int | None]]  # u1..u9 per rating that answered at least one element
    previous_ratings: list[dict[str, int | None]]
    by_source: dict[str, int]  # respondents by how they rated: desk (rating screen), kiosk, online
    by_service: dict[str | None, int]  # respondents by the service of the rated visit (None: online)
    visits: int  # tickets of the period
    online: int  # online requests received in the period
    complaints: list[ComplaintFacts]
    profile: dict[str, dict[str, int]]  # item -> answer key -> respondents who gave it


@dataclass(frozen=True)
class ProfileLine:
    """One answer of a profile item (``key`` "" : *tidak diisi*, not given) and its share."""

    key: str
    count: int
    share: float | None  # of the respondents (0-1); None when there are none


@dataclass(frozen=True)
class ProfileItem:
    key: str  # an item of shared.domain.skm_profile, or "service"
    lines: list[ProfileLine]  # every answer in the questionnaire's order, then "" (not given)


def previous(period: Period) -> Period:
    """The period before: the month before a whole month, else the same number of days before."""
    if period.start.day == 1 and (period.end + timedelta(days=1)).day == 1:
        end = period.start - timedelta(days=1)
        return Period(end.replace(day=1), end)
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end)


def read(session: Session, period: Period) -> SkmData:
    """Everything the SKM report needs for ``period``, in a few aggregate queries."""
    answered = or_(*(getattr(RatingRow, key).is_not(None) for key in ELEMENT_KEYS))
    by_source = {
        str(source): int(n)
        for source, n in session.execute(
            select(RatingRow.source, func.count())
            .where(_in(RatingRow.business_day, period), answered)
            .group_by(RatingRow.source)
        )
    }
    by_service = {
        service: int(n)
        for service, n in session.execute(
            select(RatingRow.service, func.count())
            .where(_in(RatingRow.business_day, period), answered)
            .group_by(RatingRow.service)
        )
    }
    visits = session.scalar(select(func.count()).where(_in(TicketRow.business_day, period))) or 0
    online = session.scalar(select(func.count()).where(_in(OnlineRequestRow.day, period))) or 0
    before = previous(period)
    return SkmData(
        period=period, previous_period=before, ratings=_ratings(session, period),
        previous_ratings=_ratings(session, before), by_source=by_source, by_service=by_service,
        visits=int(visits), online=int(online), complaints=_complaints(session, period),
        profile=skm_profiles.counts(session, period.start, period.end),
    )  # fmt: skip


@dataclass(frozen=True)
class SkmFigures:
    office: str
    period: Period
    previous_period: Period
    generated_at: datetime  # in the office's time zone
    to_date: date | None  # the period is still running: figures up to this day
    ikm: IkmResult | None
    previous_ikm: IkmResult | None
    element_counts: dict[str, dict[int, int]]  # u1..u9 -> score 1-4 -> answers
    visits: int
    online: int
    by_source: list[tuple[str, int]]
    by_service: list[tuple[str, str, int]]  # prefix ("" for online), name, respondents
    complaints: Complaints
    profile: list[ProfileItem]  # sex, age, education, occupation

    @property
    def respondents(self) -> int:
        return self.ikm.respondents if self.ikm else 0

    @property
    def population(self) -> int:
        """Those served in the period: visits (tickets) and online requests."""
        return self.visits + self.online

    @property
    def minimum_sample(self) -> int:
        return minimum_sample(self.population)

    @property
    def sample_enough(self) -> bool:
        return self.respondents >= self.minimum_sample

    @property
    def weakest(self) -> list[ElementScore]:
        """The lowest-scored elements (ties in the regulation's order), for the follow-up plan."""
        if self.ikm is None:
            return []
        return sorted(self.ikm.elements, key=lambda e: e.nrr)[:WEAKEST]


def build(data: SkmData, settings: Settings, now: datetime) -> SkmFigures:
    local_now = now.astimezone(settings.tz)
    today = local_now.date()
    to_date = today if data.period.start <= today < data.period.end else None
    names = {s.prefix: s.name for s in settings.services}
    services = [s.prefix for s in settings.services if data.by_service.get(s.prefix)]
    services += sorted(str(p) for p in data.by_service if p is not None and p not in names)
    by_service = [(p, names.get(p, p), data.by_service[p]) for p in services]
    if data.by_service.get(None):
        by_service.append(("", "", data.by_service[None]))
    sources = [*SOURCES, *sorted(set(data.by_source) - set(SOURCES))]
    return SkmFigures(
        office=settings.office_name, period=data.period, previous_period=data.previous_period,
        generated_at=local_now, to_date=to_date, ikm=compute_ikm(data.ratings),
        previous_ikm=compute_ikm(data.previous_ratings), element_counts=element_counts(data.ratings),
        visits=data.visits, online=data.online,
        by_source=[(s, data.by_source.get(s, 0)) for s in sources], by_service=by_service,
        complaints=complaint_summary(data.complaints),
        profile=profile_items(data.profile, sum(data.by_source.values())),
    )  # fmt: skip


def profile_items(counts: dict[str, dict[str, int]], respondents: int) -> list[ProfileItem]:
    """Each profile item's answers with their shares of ``respondents``; *tidak diisi* (not given)
    is the respondents who gave no answer to it (a profile is only ever given by a respondent)."""

    def share(n: int) -> float | None:
        return n / respondents if respondents else None

    items = []
    for item in ITEMS:
        given = counts.get(item.key, {})
        lines = [ProfileLine(a.key, given.get(a.key, 0), share(given.get(a.key, 0))) for a in item.answers]
        missing = max(respondents - sum(given.values()), 0)
        items.append(ProfileItem(item.key, [*lines, ProfileLine("", missing, share(missing))]))
    return items


def complaint_summary(facts: list[ComplaintFacts]) -> Complaints:
    """Complaints and suggestions by status and kind, and the time to answer (counts only)."""
    status = Counter(c.status for c in facts)
    kinds = Counter(c.kind for c in facts)
    answers = [c.answer_s for c in facts if c.answer_s is not None]
    return Complaints(
        total=len(facts),
        by_status={s: status.get(s, 0) for s in (*STATUSES, *sorted(set(status) - set(STATUSES)))},
        by_kind={k: kinds.get(k, 0) for k in ("complaint", "suggestion", *sorted(set(kinds) - {
            "complaint", "suggestion"}))},
        answered=len(answers),
        answer=Stats.of(answers),
    )  # fmt: skip
