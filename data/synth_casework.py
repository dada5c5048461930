"""Synthetic casework log: what happened in each child's case while the child was out of school.

Made with array operations (one element per event, never a loop over children), so millions of
children take seconds. Each child's case follows the pattern of the Ombudsman's reports:

- schools consulted on being named in the plan, most of which decline; long cases consult 10 to
  23 schools, with months of no action between some of them;
- offers of tuition, alternative provision, a school place or an EOTAS package, which the family
  declines or the provider withdraws, and sometimes the same provider is offered again;
- interim provision that starts and ends (its hours are the `provision_hours` of the monthly
  snapshots), and for a child who goes back, the place that starts on the day the episode ends;
- annual reviews (which stop for a child whose reviews are overdue), plan amendments, tribunal
  appeals and free-text notes, some holding `<b>`, `&` and quotes that must never render as HTML.

No event is dated after the last census day, nor after the day the child went back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core import vocab
from data.synth_cohort import LONG, SHORT, Children, Episodes, review_day

EVENT = {name: i for i, name in enumerate(vocab.EVENT_TYPES)}
PTYPE = {name: i for i, name in enumerate(vocab.PROVISION_TYPES)}
NEVER = np.iinfo(np.int64).max

SCHOOLS = [
    f"{place} {kind}"
    for place, kind in zip(
        "Oakfield Ashgrove Brambledown Castle_Hill Dene_Park Elmstead Fairview Greenacre "
        "Hollingbourne Ivy_Lane Juniper Kingsmead Larkfield Marshside Northdown Orchard_Vale "
        "Priory_Fields Quarry_Wood Riverside St_Augustine's Saxon_Shore Thornden Upchurch "
        "Valley_Park Westbrook Whitstable_Bay Yew_Tree Beacon Chalk_Hill Downsview Eastgate "
        "Foxwood Grange_Park Harbour_View Kestrel Limes Medway_Valley Newlands Oasts "
        "Pilgrims_Way".split(),
        [
            "Academy", "School", "Primary School", "Grammar School", "Community College",
            "Special School", "High School", "Free School", "Academy", "School",
        ] * 4,
        strict=True,
    )
]  # fmt: skip
SCHOOLS = [name.replace("_", " ") for name in SCHOOLS]
PROVIDERS_BY_TYPE = {
    "School place": SCHOOLS,
    "Tuition": [
        "Acme Tuition Services", "Bright Minds Tutoring", "Kent Home Tutors Ltd",
        "TutorLink Kent", "Garden of England Tuition", "Online Learning Partners",
    ],
    "Alternative provision": [
        "Harbour Alternative Provision", "Pathways AP Centre", "The Forge Learning Hub",
        "Greenfields Farm School", "Horizon Skills Centre", "Northgate Learning Centre",
    ],
    "EOTAS package": ["Kent EOTAS Partnership", "Bespoke Education Ltd", "Family-arranged EOTAS"],
    "Other": ["Hospital Education Service", "Outreach Education Team"],
}  # fmt: skip
PROVIDERS = [name for names in PROVIDERS_BY_TYPE.values() for name in names]
_first = np.cumsum([0] + [len(v) for v in PROVIDERS_BY_TYPE.values()])
PROVIDER_FIRST = {t: int(_first[i]) for i, t in enumerate(PROVIDERS_BY_TYPE)}
PROVIDER_COUNT = np.array([len(v) for v in PROVIDERS_BY_TYPE.values()])
HOURS_RANGE = {  # hours a week offered, by provision type: (lowest, highest)
    "School place": (15, 25), "Tuition": (2, 10), "Alternative provision": (6, 15),
    "EOTAS package": (10, 20), "Other": (3, 6),
}  # fmt: skip

DETAILS = {
    "consultation": [
        "Consultation sent under s.39 Children and Families Act 2014",
        "Consultation papers sent; chased by phone",
        "Re-consulted after parental request",
    ],
    "consultation_declined": [
        "Cannot meet need",
        "School full (over PAN)",
        "Incompatible with the efficient education of others",
        'School says "needs are too complex" & suggests specialist setting',
    ],
    "offer": ["Offer sent to family", "Interim offer pending specialist place"],
    "offer_declined": [
        "Family says it is too far to travel",
        "Parent declined: not suitable for child's needs",
        "Family declined <b>part-time</b> offer",
    ],
    "offer_withdrawn": [
        "Provider has no capacity",
        "Tutor no longer available",
        "Provider withdrew after reading the plan",
    ],
    "provision_started": ["Started; attendance to be monitored"],
    "provision_ended": ["Placement broke down", "Tutor left the agency", "Package ended"],
    "plan_amended": [
        "Final amended plan issued (Section I changed)",
        "Amended plan issued after annual review",
    ],
    "annual_review": [
        "Annual review meeting held",
        "Annual review held; plan to be amended",
        "Annual review held at home",
    ],
    "tribunal": [
        "Appeal lodged against Section I (placement)",
        "Tribunal hearing listed",
        "Tribunal ordered named placement",
    ],
    "note": [
        "Parent called asking for an update on the placement search",
        'Email from family: "no education since half term" & asking how to complain',
        "<b>Urgent</b>: case escalated to SEN manager",
        "Home visit; child anxious about returning to school",
        "Section 19 duty discussed & referred to Inclusion and Attendance",
        "Case discussed at panel, AP & tuition options reviewed",
        "Complaint received (stage 1); family's MP copied in",
        "<script>alert('not html')</script> pasted from an email",
        "Ombudsman enquiry received",
        'Mum said: "he hasn\'t been in school for months"',
    ],
}
DETAIL_TEXTS = [text for texts in DETAILS.values() for text in texts]
_dfirst = np.cumsum([0] + [len(v) for v in DETAILS.values()])
DETAIL_FIRST = {t: int(_dfirst[i]) for i, t in enumerate(DETAILS)}


@dataclass
class Casework:
    """The events (one array element each) and the interim provision they start."""

    child: np.ndarray  # index of the child (episode)
    day: np.ndarray
    event: np.ndarray  # index into vocab.EVENT_TYPES
    provider: np.ndarray  # index into PROVIDERS, -1 none
    ptype: np.ndarray  # index into vocab.PROVISION_TYPES, -1 none
    hours: np.ndarray  # NaN when not given
    detail: np.ndarray  # index into DETAIL_TEXTS, -1 blank
    # Interim provision running while the child is out: one row each, never overlapping.
    prov_child: np.ndarray
    prov_start: np.ndarray
    prov_end: np.ndarray  # exclusive; NEVER while still running
    prov_hours: np.ndarray


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-owner counts: the owner of each element and its rank within the owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.cumsum(counts) - counts
    return owner, np.arange(len(owner)) - first[owner]


class _Events:
    """Collects blocks of events, each block a set of equal-length arrays."""

    def __init__(self, rng):
        self.rng, self.blocks = rng, []

    def add(self, name, child, day, provider=None, ptype=None, hours=None, blank_detail=0.0):
        n = len(child)
        detail = DETAIL_FIRST[name] + self.rng.integers(0, len(DETAILS[name]), n)
        detail[self.rng.random(n) < blank_detail] = -1
        missing = np.full(n, -1, np.int8)
        self.blocks.append(
            (
                child.astype(np.int32),
                day.astype(np.int32),
                np.full(n, EVENT[name], np.int8),
                missing.astype(np.int16) if provider is None else provider.astype(np.int16),
                missing if ptype is None else ptype.astype(np.int8),
                np.full(n, np.nan, np.float32) if hours is None else hours.astype(np.float32),
                detail.astype(np.int16),
            )
        )


def _consultations(rng, ep: Episodes, horizon, out: _Events) -> None:
    n = len(ep.start)
    count = np.select(
        [ep.tier == SHORT, ep.tier == LONG],
        [
            rng.choice(4, n, p=[0.35, 0.35, 0.2, 0.1]),
            np.where(rng.random(n) < 0.3, rng.integers(10, 24, n), 2 + rng.poisson(4, n)),
        ],
        1 + rng.poisson(2.5, n),
    )
    child, rank = expand(count)
    m = len(child)
    gap = np.where(rank == 0, rng.integers(7, 46, m), 3 + rng.exponential(9, m).astype(np.int64))
    gap += np.where(rng.random(m) < 0.08, rng.integers(60, 151, m), 0)  # months of no action
    cum = np.cumsum(gap)
    day = ep.start[child] + cum - np.concatenate([[0], cum])[(np.cumsum(count) - count)[child]]
    school = rng.integers(0, len(SCHOOLS), m)
    place = np.full(m, PTYPE["School place"])
    keep = day <= horizon[child]
    out.add("consultation", child[keep], day[keep], school[keep], place[keep], blank_detail=0.4)
    declined = day + rng.integers(10, 43, m)
    keep = (rng.random(m) < 0.7) & (declined <= horizon[child])
    out.add("consultation_declined", child[keep], declined[keep], school[keep], place[keep])


def _offer_types(rng, final: np.ndarray) -> np.ndarray:
    names = vocab.PROVISION_TYPES  # School place, Tuition, Alternative provision, EOTAS, Other
    interim = rng.choice(len(names), len(final), p=[0.12, 0.45, 0.30, 0.08, 0.05])
    going_back = rng.choice(len(names), len(final), p=[0.65, 0.0, 0.15, 0.20, 0.0])
    return np.where(final, going_back, interim)


def _offers(rng, ep: Episodes, last_census: int, horizon, out: _Events, prov: list) -> None:
    n = len(ep.start)
    goes_back = ep.end <= last_census
    count = np.select(
        [ep.tier == SHORT, ep.tier == LONG],
        [rng.choice(2, n, p=[0.65, 0.35]), np.clip(1 + rng.poisson(1.8, n), 1, 7)],
        np.clip(rng.poisson(1.2, n), 0, 4),
    )
    count = np.where(goes_back, np.maximum(count, 1), count)
    child, rank = expand(count)
    m = len(child)
    final = goes_back[child] & (rank == count[child] - 1)  # the place the child goes back to
    final_day = np.maximum(ep.end - rng.integers(10, 36, n), ep.start + 1)
    low = ep.start[child] + 14
    high = np.where(goes_back, final_day - 1, horizon)[child]
    day = np.where(
        final, final_day[child], low + (rng.random(m) * (high - low + 1)).astype(np.int64)
    )
    valid = final | (high >= low)
    order = np.flatnonzero(valid)
    order = order[np.argsort((child[order] << 32) + day[order])]  # by child, then day
    child, day, final = child[order], day[order], final[order]
    m = len(child)
    rank = np.arange(m) - np.searchsorted(child, child, side="left")

    ptype = _offer_types(rng, final)
    provider = np.array([PROVIDER_FIRST[t] for t in vocab.PROVISION_TYPES])[ptype] + (
        rng.random(m) * PROVIDER_COUNT[ptype]
    ).astype(np.int64)
    # The same provider offered again after it was declined or withdrew.
    again = (rank >= 1) & (rng.random(m) < np.where(ep.tier[child] == LONG, 0.35, 0.2))
    for r in range(1, int(rank.max(initial=0)) + 1):
        idx = np.flatnonzero(again & (rank == r))
        ptype[idx], provider[idx] = ptype[idx - 1], provider[idx - 1]
    low_h, high_h = (np.array([HOURS_RANGE[t][i] for t in vocab.PROVISION_TYPES]) for i in (0, 1))
    hours = rng.integers(low_h[ptype], high_h[ptype] + 1).astype(float)
    out.add("offer", child, day, provider, ptype, hours, blank_detail=0.6)

    last = np.append(child[1:] != child[:-1], True)
    next_day = np.append(day[1:], NEVER)
    # outcome: 0 declined by the family, 1 withdrawn by the provider, 2 accepted, 3 no answer yet
    outcome = np.where(
        last & ~goes_back[child],
        rng.choice(4, m, p=[0.25, 0.2, 0.35, 0.2]),
        rng.choice(3, m, p=[0.45, 0.35, 0.2]),
    )
    outcome = np.where(final, 2, outcome)
    started = np.where(final, ep.end[child], day + rng.integers(5, 22, m))
    ended = np.where(
        last,
        np.where(rng.random(m) < 0.35, started + rng.integers(30, 251, m), NEVER),
        next_day - rng.integers(1, 11, m),
    )
    ended = np.where(final, NEVER, ended)
    outcome = np.where((outcome == 2) & (ended <= started), 1, outcome)
    limit = np.where(goes_back, ep.end, horizon)[child]

    def emit(name, mask, when, with_hours=False, blank_detail=0.0):
        mask = mask & (when <= limit)
        given = hours[mask] if with_hours else None
        out.add(name, child[mask], when[mask], provider[mask], ptype[mask], given, blank_detail)

    emit("offer_declined", outcome == 0, day + rng.integers(3, 31, m))
    emit("offer_withdrawn", outcome == 1, day + rng.integers(3, 46, m))
    emit("provision_started", outcome == 2, started, with_hours=True, blank_detail=0.7)
    emit("provision_ended", (outcome == 2) & (ended != NEVER), ended)
    interim = (outcome == 2) & ~final
    prov.append((child[interim], started[interim], ended[interim], hours[interim]))


def make_casework(rng, ep: Episodes, children: Children, last_census: int) -> Casework:
    n = len(ep.start)
    everyone = np.arange(n)
    # Last day anything can happen: the day the child went back, or the last census day.
    horizon = np.minimum(ep.end - 1, last_census)
    out, prov = _Events(rng), []
    _consultations(rng, ep, horizon, out)
    _offers(rng, ep, last_census, horizon, out, prov)
    if n:
        top_k = int(((horizon - children.ehcp_issued) // 365).max()) + 2
        for k in range(1, top_k + 1):
            when = review_day(children, everyone, np.full(n, k))
            held = (when >= ep.start) & (when <= horizon) & (when <= children.reviews_stop)
            out.add("annual_review", everyone[held], when[held])
    amended = (children.amended >= ep.start) & (children.amended <= horizon)
    out.add("plan_amended", everyone[amended], children.amended[amended])
    length = horizon - ep.start
    appeal = (rng.random(n) < np.where(ep.tier == LONG, 0.18, 0.05)) & (length > 90)
    when = ep.start + 90 + (rng.random(n) * (length - 89)).astype(np.int64)
    out.add("tribunal", everyone[appeal], when[appeal])
    child, _ = expand(rng.poisson(0.4 + np.maximum(length, 0) / 240))
    when = ep.start[child] + (rng.random(len(child)) * (length[child] + 1)).astype(np.int64)
    out.add("note", child, when)

    columns = [np.concatenate(parts) for parts in zip(*out.blocks, strict=True)]
    # by child, day and event type, as the case-management system lists them
    child, day, event = (columns[i].astype(np.int64) for i in range(3))
    order = np.argsort((child << 36) + (day << 4) + event)
    child, day, event, provider, ptype, hours, detail = (c[order] for c in columns)
    p_child, p_start, p_end, p_hours = (np.concatenate(parts) for parts in zip(*prov, strict=True))
    p_order = np.argsort((p_child << 32) + p_start)
    return Casework(
        child, day, event, provider, ptype, hours, detail,
        p_child[p_order], p_start[p_order], p_end[p_order], p_hours[p_order],
    )  # fmt: skip


def hours_on(cw: Casework, child: np.ndarray, on_day: int) -> np.ndarray:
    """Hours of the interim provision running on `on_day` for each child, NaN when none."""
    if not len(cw.prov_child):
        return np.full(len(child), np.nan)
    # provisions are sorted by (child, start): find each child's latest one started by on_day
    i = np.searchsorted((cw.prov_child << 32) + cw.prov_start, (child << 32) + on_day, "right") - 1
    i = np.maximum(i, 0)
    running = (cw.prov_child[i] == child) & (cw.prov_start[i] <= on_day) & (on_day < cw.prov_end[i])
    return np.where(running, cw.prov_hours[i], np.nan)
