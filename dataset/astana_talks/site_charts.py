"""The site's charts as SVG, drawn with matplotlib.

Why matplotlib: it is the most widely kept plotting library in Python, draws SVG with
no browser, no JavaScript and no network (Vega-Lite would need a bundled JavaScript
engine, vl-convert, to render offline), and can be made byte-reproducible: a fixed
``svg.hashsalt`` (here the chart's name, so the ids of two charts on one page never
clash), no date in the metadata, and ``svg.fonttype = "none"`` so that text stays text
(selectable, searchable, read by screen readers, sharp in print). Each chart carries a
``<title>`` and a ``<desc>``, and the pages put an HTML table of the same data beside it.

Colour is never the only code: each role has its own marker shape as well as its own
colour (Okabe-Ito, safe for colour-blind readers), "expected" is hollow and "absent" a
cross, so the charts read in black-and-white print.

Only :mod:`astana_talks.site` imports this module, and only when a site is built:
``import astana_talks`` never loads matplotlib.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .dates import Precision
from .models import Spanning
from .vocabularies import Attendance, Role, Topic

#: Role -> (colour, marker, letter). Okabe-Ito colours; the letter is the text marker
#: of the HTML tables.
ROLES: dict[Role, tuple[str, str, str]] = {
    Role.GUARANTOR: ("#0072B2", "s", "G"),
    Role.PARTY: ("#D55E00", "o", "P"),
    Role.OBSERVER: ("#009E73", "^", "O"),
    Role.HOST: ("#CC79A7", "D", "H"),
}
ABSENT_COLOUR = "#555555"
INK = "#222222"
#: Meeting lanes of the timeline, top to bottom: (label, marker).
LANES: dict[str, tuple[str, str]] = {
    "round": ("Rounds", "o"),
    "summit": ("Presidents' summits", "D"),
    "ministerial": ("Foreign ministers", "s"),
    "expert": ("Experts", "^"),
    "extended": ("With other states", "v"),
}


@dataclass(frozen=True)
class Span:
    """A meeting on the timeline: its lane, label, link and the days it may cover."""

    lane: str
    label: str
    href: str
    first: dt.date
    last: dt.date
    exact: bool
    """True when both ends are known to the day: drawn as a point, else as a span."""
    held: bool


def spans(meetings: Iterable[tuple[str, str, str, Spanning]]) -> list[Span]:
    """(lane, label, href, row) -> spans; rows without a start date are left out."""
    found = []
    for lane, label, href, row in meetings:
        if row.start_date is None:
            continue
        end = row.end_date or row.start_date
        exact = row.start_date.precision is Precision.DAY and end.precision is Precision.DAY
        found.append(
            Span(
                lane,
                label,
                href,
                row.start_date.earliest(),
                end.latest(),
                exact,
                row.status.value == "held",
            )
        )
    return found


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.set_facecolor("white")
    return fig


def _svg(fig: Figure, name: str, title: str, desc: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: no XML prolog, no RDF
    metadata, a ``<title>`` and ``<desc>`` first, ``role="img"``; the same bytes on
    every run."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    # matplotlib numbers its elements the same way in every figure (figure_1, axes_1):
    # give each id, and each reference to one, the chart's name, so that ids stay unique
    # on a page with several charts
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = re.sub(r'(href="#|url\(#)', rf"\1{name}-", text)
    text = text.replace(' target="_blank"', "")  # a link opens its page here, not a new tab
    opening = re.match(r"<svg\b[^>]*>", text)
    assert opening is not None
    labelled = f"{name}-title {name}-desc"
    head = opening.group(0)[:-1] + f' id="{name}-chart" role="img" aria-labelledby="{labelled}">'
    labels = (
        f'\n <title id="{name}-title">{escape(title)}</title>'
        f'\n <desc id="{name}-desc">{escape(desc)}</desc>'
    )
    return head + labels + text[opening.end() :].rstrip() + "\n"


def _years(first: dt.date, last: dt.date) -> list[int]:
    return list(range(first.year, last.year + 2))


def timeline_svg(items: Sequence[Span]) -> str:
    """Rounds and other meetings on one time axis, a lane per kind of meeting. A
    meeting known to the day is a point; one known only to the month or year is a
    hatched span over that month or year."""
    lanes = [lane for lane in LANES if any(s.lane == lane for s in items)]
    fig = _figure(10, 0.7 + 0.55 * max(len(lanes), 1))
    ax = fig.add_subplot()
    y_of = {lane: len(lanes) - i for i, lane in enumerate(lanes)}
    previous: dict[str, tuple[int, float]] = {}
    for s in sorted(items, key=lambda s: (s.first, s.label)):
        y = y_of[s.lane]
        marker = LANES[s.lane][1]
        artist: Artist
        start, end = s.first.toordinal(), s.last.toordinal() + 1
        if s.exact:
            artist = ax.plot(
                [(start + end) / 2],
                [y],
                marker=marker,
                markersize=7,
                color=INK,
                markerfacecolor=INK if s.held else "white",
                linestyle="none",
            )[0]
        else:
            artist = ax.add_patch(
                Rectangle(
                    (start, y - 0.15),
                    end - start,
                    0.3,
                    facecolor="white",
                    edgecolor=INK,
                    hatch="////",
                    linewidth=0.8,
                )
            )
        artist.set_url(s.href)
        if s.lane == "round":
            last_x, last_dy = previous.get(s.lane, (-(10**9), 0.0))
            dy = 0.42 if start - last_x < 75 and last_dy == 0.22 else 0.22
            previous[s.lane] = (start, dy)
            text = ax.text(start, y + dy, s.label, ha="center", va="bottom", fontsize=7)
            text.set_url(s.href)
    first = min((s.first for s in items), default=dt.date(2017, 1, 1))
    last = max((s.last for s in items), default=dt.date(2017, 1, 1))
    years = _years(first, last)
    ax.set_xticks([dt.date(y, 1, 1).toordinal() for y in years], [str(y) for y in years])
    ax.set_xlim(dt.date(years[0], 1, 1).toordinal() - 20, dt.date(years[-1], 1, 1).toordinal())
    ax.set_yticks([y_of[lane] for lane in lanes], [LANES[lane][0] for lane in lanes])
    ax.set_ylim(0.4, len(lanes) + 0.85)
    ax.grid(axis="x", color="#cccccc", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    return _svg(
        fig,
        "timeline",
        "Timeline of the rounds and other meetings",
        "Each numbered round and each other meeting on a time axis, one lane per kind of "
        "meeting. Filled marks were held, hollow ones announced; hatched bars span the "
        "month or year when a source gives no day. The table below lists the same dates.",
    )


def _rows_by_rounds(ax: Axes, rows: Sequence[str], rounds: Sequence[int]) -> None:
    """Axes of a matrix chart: a row per label, top to bottom, a column per round."""
    ax.set_xticks(range(len(rounds)), [str(n) for n in rounds], fontsize=7)
    ax.set_yticks(range(len(rows)), list(rows), fontsize=7)
    ax.set_xlim(-0.6, len(rounds) - 0.4)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel("Round", fontsize=8)
    ax.grid(color="#e5e5e5", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.tick_params(length=0)


@dataclass(frozen=True)
class Cell:
    """One participation: actor row, round column, role and attendance."""

    row: int
    column: int
    role: Role
    attendance: Attendance
    href: str


def matrix_svg(actors: Sequence[str], rounds: Sequence[int], cells: Sequence[Cell]) -> str:
    """Actors (rows) by rounds (columns): a mark per role, filled when attended,
    hollow when expected, a cross when absent."""
    fig = _figure(10, 1.3 + 0.24 * len(actors))
    ax = fig.add_subplot()
    column_of = {n: i for i, n in enumerate(rounds)}
    shared: dict[tuple[int, int], int] = {}
    for c in cells:
        shared[(c.row, c.column)] = shared.get((c.row, c.column), 0) + 1
    seen: dict[tuple[int, int], int] = {}
    for c in cells:
        colour, marker, _ = ROLES[c.role]
        count, index = shared[(c.row, c.column)], seen.get((c.row, c.column), 0)
        seen[(c.row, c.column)] = index + 1
        x = column_of[c.column] + (index - (count - 1) / 2) * 0.32
        if c.attendance is Attendance.ABSENT:
            style = {"marker": "x", "color": ABSENT_COLOUR, "markersize": 5}
        else:
            hollow = c.attendance is Attendance.EXPECTED
            style = {
                "marker": marker,
                "color": colour,
                "markerfacecolor": "white" if hollow else colour,
                "markeredgewidth": 1.2,
                "markersize": 6,
            }
        artist = ax.plot([x], [c.row], linestyle="none", **style)[0]  # type: ignore[arg-type]
        artist.set_url(c.href)
    _rows_by_rounds(ax, actors, rounds)
    handles = [
        Line2D([], [], marker=m, color=c, linestyle="none", label=r.value)
        for r, (c, m, _) in ROLES.items()
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            color=INK,
            markerfacecolor="white",
            linestyle="none",
            label="expected",
        ),
        Line2D([], [], marker="x", color=ABSENT_COLOUR, linestyle="none", label="absent"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=6, fontsize=7, frameon=False)
    return _svg(
        fig,
        "matrix",
        "Who took part in which round, and in which role",
        "A row per actor, a column per round. Squares are guarantors, circles parties, "
        "triangles observers, diamonds hosts; filled when the actor attended, hollow when "
        "only expected, a cross when reported absent. The table below gives the same data.",
    )


@dataclass(frozen=True)
class Item:
    """A topic on a round's agenda: topic row, round column, and whether it is the item
    the source calls the most prominent."""

    row: int
    column: int
    prominent: bool
    href: str


def topics_svg(topics: Sequence[Topic], rounds: Sequence[int], items: Iterable[Item]) -> str:
    """Agenda topics (rows) by rounds (columns): a dot where the topic is on the agenda,
    a star where the source calls it the most prominent item."""
    fig = _figure(10, 1.1 + 0.22 * len(topics))
    ax = fig.add_subplot()
    column_of = {n: i for i, n in enumerate(rounds)}
    for c in items:
        artist = ax.plot(
            [column_of[c.column]],
            [c.row],
            linestyle="none",
            marker="*" if c.prominent else "o",
            markersize=10 if c.prominent else 5,
            color=INK,
        )[0]
        artist.set_url(c.href)
    _rows_by_rounds(ax, [t.value.replace("_", " ") for t in topics], rounds)
    return _svg(
        fig,
        "topics",
        "Agenda topics over the rounds",
        "A row per agenda topic, a column per round: a dot where the topic is on the "
        "round's agenda, a star where the source calls it the most prominent item. The "
        "table below gives the same data.",
    )
