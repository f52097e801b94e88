"""The site: static HTML pages generated from a :class:`Dataset`, to open from disk or
host anywhere as plain files.

``render(ds)`` returns every file of the site (relative path -> bytes);
``write(files, out)`` writes them atomically. The pages are a timeline of the rounds
and other meetings, a participation matrix, the agenda topics over the rounds, a page
per round, meeting and actor, the sources (each with every quote taken from it), the
disputes, the events, the places, the codebook and the problem catalogue.

What the pages promise:

* every value shows its evidence: the quote, who says it (``said_by``), and a link to
  its source on ``sources.html``; inferred values say so, with the reasoning; disputed
  values say so, with each source's claim;
* dates keep their precision: "June 2023" is a month, drawn as a span, never a day;
* no server, no network, no JavaScript: CSS is a shipped file, charts are inline SVG
  (see :mod:`astana_talks.site_charts`), every link is relative, so the folder works
  from ``file://`` and under any path of any host;
* the same data gives the same bytes (no clock, no random ids).

Templates are Jinja2 (autoescaping on), in ``site_templates/``. jinja2, markdown-it
and matplotlib are imported only here, and this module only when a site is built.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt

from . import __version__
from . import site_charts as charts
from .dataset import Dataset
from .dates import PartialDate, Precision
from .generate import codebook
from .models import (
    Actor,
    ActorName,
    AgendaItem,
    Citation,
    Claim,
    Delegation,
    Dispute,
    Event,
    Evidenced,
    Figure,
    Meeting,
    Outcome,
    Participant,
    Place,
    PlaceName,
    Record,
    Relation,
    Round,
    Signatory,
    Source,
    Spanning,
)
from .problems import CODES, UNUSABLE
from .vocabularies import Attendance, Role, Topic

#: The file that marks a folder as a site written by astana-talks: only such a folder
#: (or an empty one) is replaced by :func:`write`.
MARKER = ".astana-talks-site"
MARKER_TEXT = (
    "This folder was written by 'astana-talks site'; the next run replaces it whole.\n"
    "Delete this file to keep the folder from being replaced.\n"
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Attendance -> the text marker's suffix in the HTML matrix ("G?" expected).
ATTENDANCE_MARK = {
    Attendance.ATTENDED: "",
    Attendance.CONFIRMED: "!",
    Attendance.EXPECTED: "?",
    Attendance.ABSENT: "×",
}


class SiteTargetError(Exception):
    """The output folder exists and is not a site written by astana-talks (or is not a
    folder): it is left alone."""


# -- dates -------------------------------------------------------------------------


def date_text(value: PartialDate) -> str:
    """A partial date in words, as precise as it is: '24 January 2024', 'June 2023',
    '2023'."""
    if value.precision is Precision.YEAR:
        return str(value.year)
    month = MONTHS[(value.month or 1) - 1]
    if value.precision is Precision.MONTH:
        return f"{month} {value.year}"
    return f"{value.day} {month} {value.year}"


def dates_text(start: PartialDate | None, end: PartialDate | None) -> str:
    """A meeting's dates in words: '24–25 January 2024', 'June 2023', 'date not stated'."""
    if start is None:
        return "date not stated"
    if end is None or end == start:
        return date_text(start)
    same_month = (start.year, start.month) == (end.year, end.month)
    if start.precision is Precision.DAY and end.precision is Precision.DAY and same_month:
        return f"{start.day}–{end.day} {MONTHS[(end.month or 1) - 1]} {end.year}"
    return f"{date_text(start)} – {date_text(end)}"


def precision_note(start: PartialDate | None, end: PartialDate | None) -> str:
    """'' when the dates are known to the day, else what they are known to."""
    coarsest = [d.precision for d in (start, end) if d is not None]
    if Precision.YEAR in coarsest:
        return "year only: the source gives no month"
    if Precision.MONTH in coarsest:
        return "month only: the source gives no day"
    return ""


def _date_key(value: PartialDate | None) -> tuple[bool, PartialDate | None]:
    """Sorts partial dates in their order, and no date after every date."""
    return (value is None, value)


# -- pages and anchors ---------------------------------------------------------------


def anchor(row: Record) -> str:
    """The HTML id of a row on its page: its table and key ('participants-21-iraq-observer');
    a key with other characters than ASCII letters, digits and hyphens ('Лаврентьев')
    gets a short hash of itself, so that two keys never share an id."""
    key = row.citation_key()
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", key):
        slug += "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{row.table}-{slug}"


def round_page(number: int) -> str:
    return f"round-{number}.html"


def meeting_page(meeting_id: str) -> str:
    return f"meeting-{meeting_id}.html"


def actor_page(actor_id: str) -> str:
    return f"actor-{actor_id}.html"


def source_href(source_id: str) -> str:
    return f"sources.html#{source_id}"


def _at_meeting_page(round_number: int | None, meeting_id: str | None) -> str:
    return round_page(round_number) if round_number is not None else meeting_page(meeting_id or "")


@dataclass(frozen=True)
class Use:
    """A quote taken from a source: which row it supports, where that row is shown."""

    what: str
    quote: str
    said_by: str | None
    href: str | None


class Site:
    """The views the templates need, computed once from a :class:`Dataset`."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.rows_by_key: dict[tuple[str, str], Record] = {
            (row.table, row.citation_key()): row for t in ds.tables() for row in ds.table(t)
        }

    # -- where rows are shown ---------------------------------------------------

    def page_of(self, row: Record) -> str | None:
        """The page that shows ``row`` (with :func:`anchor` as its id), if any."""
        if isinstance(row, Round):
            return round_page(row.round_number)
        if isinstance(row, Meeting):
            return meeting_page(row.meeting_id)
        if isinstance(row, (Participant, AgendaItem)):
            return round_page(row.round_number)
        if isinstance(row, (Delegation, Outcome)):
            return _at_meeting_page(row.round_number, row.meeting_id)
        if isinstance(row, Signatory):
            outcome = self.rows_by_key.get(("outcomes", row.outcome_id))
            return self.page_of(outcome) if outcome is not None else None
        if isinstance(row, (Actor, ActorName)):
            return actor_page(row.actor_id)
        if isinstance(row, Event):
            if row.round_number is not None:
                return round_page(row.round_number)
            return "events.html"
        if isinstance(row, Relation):
            return actor_page(row.subject_id)
        if isinstance(row, Figure):
            return "events.html"
        if isinstance(row, (Place, PlaceName)):
            return "places.html"
        if isinstance(row, (Claim, Dispute)):
            return "disputes.html"
        if isinstance(row, Citation):
            cited = self.rows_by_key.get((row.table_name, row.record))
            return self.page_of(cited) if cited is not None else None
        return None

    def href_of(self, row: Record) -> str | None:
        page = self.page_of(row)
        if page is None:
            return None
        if isinstance(row, Citation):
            cited = self.rows_by_key.get((row.table_name, row.record))
            return f"{page}#{anchor(cited)}" if cited is not None else page
        if isinstance(row, Claim):
            return f"{page}#dispute-{row.dispute_id}"
        return f"{page}#{anchor(row)}"

    # -- evidence ---------------------------------------------------------------

    @cached_property
    def _citations(self) -> dict[tuple[str, str], list[Citation]]:
        found: dict[tuple[str, str], list[Citation]] = defaultdict(list)
        for c in self.ds.citations:
            found[(c.table_name, c.record)].append(c)
        return found

    def citations(self, row: Record) -> list[Citation]:
        return self._citations.get((row.table, row.citation_key()), [])

    @cached_property
    def _disputes(self) -> dict[tuple[str, str], list[Dispute]]:
        found: dict[tuple[str, str], list[Dispute]] = defaultdict(list)
        for d in self.ds.disputes:
            found[(d.table_name, d.record)].append(d)
        return found

    def disputes(self, row: Record) -> list[Dispute]:
        return self._disputes.get((row.table, row.citation_key()), [])

    def dispute_of(self, row: Record, field: str) -> Dispute | None:
        """The dispute about ``field`` of ``row``, if the sources disagree on it."""
        for d in self.disputes(row):
            if field in d.field.split():
                return d
        return None

    def disputes_on(self, rows: Iterable[Record]) -> list[Dispute]:
        return [d for row in rows for d in self.disputes(row)]

    def claims(self, dispute: Dispute) -> list[tuple[str, list[Claim]]]:
        """The claims of a dispute grouped by value: the value used first, then the
        others by how many sources give them."""
        by_value: dict[str, list[Claim]] = defaultdict(list)
        for c in self.ds.claims_of(dispute.dispute_id):
            by_value[c.value].append(c)
        return sorted(
            by_value.items(), key=lambda kv: (kv[0] != dispute.value_used, -len(kv[1]), kv[0])
        )

    def reading(self, dispute: Dispute, value: str) -> str:
        """A claimed value in words, where it is dates ('23–24 January 2024') or actors
        ('Mikhail Bogdanov'); '' where the value says it as well as words would."""
        fields, parts = dispute.field.split(), value.split("/")
        if len(fields) != len(parts):
            return ""
        if all(f.endswith("date") for f in fields):
            try:
                dates = [PartialDate(p) for p in parts]
            except ValueError:
                return ""
            return dates_text(dates[0], dates[-1]) if len(dates) == 2 else date_text(dates[0])
        if all(f.endswith("_id") for f in fields):
            return ", ".join(self.actor_name(p) for p in parts)
        return ""

    def sources_of(self, rows: Iterable[Record]) -> list[Source]:
        """Every source a page cites: of its rows, their further citations, the claims of
        their disputes, and the signatures of its outcomes; by publisher, then id."""
        found: set[str] = set()
        for row in rows:
            related: list[Record] = [row, *self.citations(row)]
            related += [c for d in self.disputes(row) for c in self.ds.claims_of(d.dispute_id)]
            if isinstance(row, Outcome):
                related += self.ds.signatories_of(row.outcome_id)
            found |= {r.source_id for r in related if isinstance(r, Evidenced)}
        known = [self._sources[s] for s in found if s in self._sources]
        return sorted(known, key=lambda s: (s.publisher.casefold(), s.source_id))

    def source_label(self, source_id: str) -> str:
        """The source's publisher, to name it beside a quote."""
        source = self._sources.get(source_id)
        return source.publisher if source is not None else source_id

    @cached_property
    def _sources(self) -> dict[str, Source]:
        return {s.source_id: s for s in self.ds.sources}

    def actor_name(self, actor_id: str | None) -> str:
        if actor_id is None:
            return ""
        actor = self.ds.get_actor(actor_id)
        return actor.name if actor is not None else actor_id

    def place_name(self, row: Spanning) -> str:
        """The city as named at the time, and the place's name today when it differs."""
        if row.city is None:
            return "city not stated"
        place = self._places.get(row.place_id or "")
        if place is not None and place.name != row.city:
            return f"{row.city} (today {place.name})"
        return row.city

    @cached_property
    def _places(self) -> dict[str, Place]:
        return {p.place_id: p for p in self.ds.places}

    @cached_property
    def uses(self) -> dict[str, list[Use]]:
        """Source id -> every quote the dataset takes from it, in table order."""
        found: dict[str, list[Use]] = defaultdict(list)
        for table in self.ds.tables():
            for row in self.ds.table(table):
                if isinstance(row, Evidenced):
                    what = f"{row.table} {row.citation_key()}"
                    if isinstance(row, Citation):
                        what = f"{row.table_name} {row.record} (further source)"
                    if isinstance(row, Claim):
                        what = f"claim in dispute {row.dispute_id}: {row.value}"
                    found[row.source_id].append(
                        Use(what, row.quote, row.said_by, self.href_of(row))
                    )
        return found

    # -- the overview ---------------------------------------------------------------

    def spanning(self) -> list[tuple[str, str, str, Spanning]]:
        """(lane, label, href, row) of every round and meeting, rounds first."""
        items: list[tuple[str, str, str, Spanning]] = [
            ("round", str(r.round_number), round_page(r.round_number), r) for r in self.ds.rounds
        ]
        items += [
            (m.kind.value, m.description, meeting_page(m.meeting_id), m) for m in self.ds.meetings
        ]
        return items

    def timeline(self) -> list[dict[str, Any]]:
        """The rows of the timeline's table, in date order (undated last)."""
        rows = []
        for lane, label, href, row in self.spanning():
            rows.append(
                {
                    "lane": charts.LANES[lane][0],
                    "label": f"Round {label}" if lane == "round" else label,
                    "href": href,
                    "row": row,
                }
            )
        return sorted(rows, key=lambda r: _date_key(r["row"].start_date))

    @cached_property
    def round_numbers(self) -> list[int]:
        return sorted(r.round_number for r in self.ds.rounds)

    @cached_property
    def matrix_actors(self) -> list[str]:
        """The actors that took part in rounds: by first round, then by name."""
        first: dict[str, int] = {}
        for p in self.ds.participants:
            first[p.actor_id] = min(first.get(p.actor_id, p.round_number), p.round_number)
        return sorted(first, key=lambda a: (first[a], self.actor_name(a)))

    def matrix(self) -> dict[str, dict[int, list[Participant]]]:
        """Actor -> round -> participation rows (several when the roles differ)."""
        found: dict[str, dict[int, list[Participant]]] = {a: {} for a in self.matrix_actors}
        order = list(charts.ROLES)
        for p in sorted(self.ds.participants, key=lambda p: order.index(p.role)):
            found[p.actor_id].setdefault(p.round_number, []).append(p)
        return found

    def participants_of(self, number: int) -> list[Participant]:
        """A round's participants by role (host, guarantors, parties, observers), then name."""
        order = [Role.HOST, Role.GUARANTOR, Role.PARTY, Role.OBSERVER]
        return sorted(
            self.ds.participants_of(number),
            key=lambda p: (order.index(p.role), self.actor_name(p.actor_id)),
        )

    def mark(self, p: Participant) -> str:
        """The text marker of a participation: role letter and attendance ('O?')."""
        return charts.ROLES[p.role][2] + ATTENDANCE_MARK[p.attendance]

    @cached_property
    def topics(self) -> list[Topic]:
        present = {a.topic for a in self.ds.agenda_items}
        return [t for t in Topic if t in present]

    def agenda_by_topic(self) -> dict[Topic, dict[int, list[AgendaItem]]]:
        found: dict[Topic, dict[int, list[AgendaItem]]] = {t: {} for t in self.topics}
        for a in sorted(self.ds.agenda_items, key=lambda a: (a.round_number, a.item_number)):
            found[a.topic].setdefault(a.round_number, []).append(a)
        return found

    def charts(self) -> dict[str, str]:
        ds = self.ds
        row_of = {a: i for i, a in enumerate(self.matrix_actors)}
        cells = [
            charts.Cell(
                row_of[p.actor_id],
                p.round_number,
                p.role,
                p.attendance,
                f"{round_page(p.round_number)}#{anchor(p)}",
            )
            for p in ds.participants
        ]
        topic_row = {t: i for i, t in enumerate(self.topics)}
        items = [
            charts.Item(
                topic_row[a.topic],
                a.round_number,
                a.most_prominent,
                f"{round_page(a.round_number)}#{anchor(a)}",
            )
            for a in ds.agenda_items
        ]
        return {
            "timeline": charts.timeline_svg(charts.spans(self.spanning())),
            "matrix": charts.matrix_svg(
                [self.actor_name(a) for a in self.matrix_actors], self.round_numbers, cells
            ),
            "topics": charts.topics_svg(self.topics, self.round_numbers, items),
        }


# -- rendering ----------------------------------------------------------------------


def _environment(site: Site) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("astana_talks", "site_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        site=site,
        ds=site.ds,
        version=__version__,
        anchor=anchor,
        round_page=round_page,
        meeting_page=meeting_page,
        actor_page=actor_page,
        source_href=source_href,
        date_text=date_text,
        dates_text=dates_text,
        precision_note=precision_note,
        roles=charts.ROLES,
        Role=Role,
    )
    return env


def _markdown_html(text: str) -> str:
    """Markdown (the generated codebook) as HTML, each heading with the id GitHub gives
    it, so that the codebook's own links (#topic) work on the site too."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[i + 1].content
            slug = re.sub(r"[^\w\- ]", "", title.lower()).strip().replace(" ", "-")
            token.attrSet("id", slug)
    html: str = md.renderer.render(tokens, md.options, {})
    return html


def _text(name: str) -> bytes:
    return (resources.files("astana_talks") / "site_templates" / name).read_bytes()


def render(ds: Dataset) -> dict[str, bytes]:
    """Every file of the site: relative path -> bytes. The same data gives the same bytes."""
    site = Site(ds)
    env = _environment(site)
    pages: dict[str, str] = {}

    def page(name: str, template: str, **context: Any) -> None:
        pages[name] = env.get_template(template).render(page=name, **context)

    page("index.html", "index.html", charts=site.charts())
    for r in ds.rounds:
        n = r.round_number
        rows = [
            r,
            *ds.participants_of(n),
            *ds.delegations_of(n),
            *ds.agenda_of(n),
            *ds.outcomes_of(n),
        ]
        numbers = site.round_numbers
        i = numbers.index(n)
        events = [e for e in ds.events if e.round_number == n]
        page(
            round_page(n),
            "round.html",
            r=r,
            previous=numbers[i - 1] if i > 0 else None,
            next=numbers[i + 1] if i + 1 < len(numbers) else None,
            events=events,
            disputes=site.disputes_on(rows),
            sources=site.sources_of([*rows, *events]),
        )
    for m in ds.meetings:
        rows = [m, *ds.delegations_of(m.meeting_id), *ds.outcomes_of(m.meeting_id)]
        page(
            meeting_page(m.meeting_id),
            "meeting.html",
            m=m,
            disputes=site.disputes_on(rows),
            sources=site.sources_of(rows),
        )
    for a in ds.actors:
        me = a.actor_id
        shown: dict[str, list[Any]] = {
            "names": [n for n in ds.actor_names if n.actor_id == me],
            "participants": sorted(
                (p for p in ds.participants if p.actor_id == me), key=lambda p: p.round_number
            ),
            "delegations": [d for d in ds.delegations if me in (d.actor_id, d.person_id)],
            "signatories": [s for s in ds.signatories if me in (s.actor_id, s.person_id)],
            "events": [
                e
                for e in ds.events
                if e.round_number is None and me in (e.actor_id, e.counterpart_id)
            ],
            "relations": [x for x in ds.relations if me in (x.subject_id, x.object_id)],
        }
        rows = [a, *(row for group in shown.values() for row in group)]
        page(actor_page(me), "actor.html", a=a, disputes=site.disputes_on(rows), **shown)
    page("actors.html", "actors.html")
    page("sources.html", "sources.html")
    page("disputes.html", "disputes.html")
    page("events.html", "events.html", events=[e for e in ds.events if e.round_number is None])
    page("places.html", "places.html")
    records = {t: list(ds.table(t)) for t in ds.tables()}
    page("codebook.html", "codebook.html", body=_markdown_html(codebook(records)))
    page("problems.html", "problems.html", codes=CODES, unusable=UNUSABLE)
    files = {name: text.encode("utf-8") for name, text in sorted(pages.items())}
    files["style.css"] = _text("style.css")
    files[MARKER] = MARKER_TEXT.encode("utf-8")
    return files


# -- writing ----------------------------------------------------------------------


def is_site(folder: Path) -> bool:
    """True when ``folder`` holds a site written by :func:`write` (its marker file)."""
    return (folder / MARKER).is_file()


def write(files: Mapping[str, bytes], out: Path) -> Path:
    """Write the site into ``out`` atomically: into a temporary folder beside it, then
    renamed into place. An existing ``out`` is replaced only when it is empty or a site
    written by this function; anything else raises :class:`SiteTargetError`."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SiteTargetError(f"{out} exists and is not a folder; give another --out")
    if out.is_dir() and any(out.iterdir()) and not is_site(out):
        raise SiteTargetError(
            f"{out} exists and is not a site written by astana-talks (no {MARKER} in it); "
            "give a new or empty folder"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old = None
    try:
        os.chmod(work, 0o755)
        for name, data in files.items():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old / out.name)
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if old is not None and (old / out.name).exists() and not out.exists():
            os.replace(old / out.name, out)  # put the previous site back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return out


# -- checking ---------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src", "xlink:href"):
                self.links.append(value)


def broken_links(files: Mapping[str, bytes]) -> list[str]:
    """The internal links of the site's pages that lead to no file or no anchor
    ('round-21.html -> sources.html#nope'); links out (http:, https:) are not followed."""
    parsed: dict[str, _Links] = {}
    for name, data in files.items():
        if name.endswith(".html"):
            parser = _Links()
            parser.feed(data.decode("utf-8"))
            parsed[name] = parser
    broken = []
    for name, parser in parsed.items():
        for link in parser.links:
            if re.match(r"[a-z]+:", link):
                continue
            path, _, fragment = link.partition("#")
            target = path or name
            known = parsed[target].ids if target in parsed else set()
            if target not in files or (fragment and fragment not in known):
                broken.append(f"{name} -> {link}")
    return broken
