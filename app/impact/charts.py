"""Charts of impact: a growth line with error bands against the norm and the curriculum
expectation, the achievement × progress quadrant with error bars, distributions by group
against norms, and intervals (d or differences) by group.

Accessible SVG built on :mod:`app.ui.charts` (title, description, labelled axes); meaning is
carried by text and dash patterns too, so the charts read in greyscale and in PDFs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from app.impact.stats import Z95
from app.ui.charts import Frame, _open

TEXT = '<g font-family="sans-serif" font-size="11" fill="#222">'
INK, NORM, EXPECT, SHADE = "#1b2a33", "#1f4e79", "#b45309", "#d6e4f0"
STYLES = ((NORM, "6 3"), (EXPECT, "2 3"), ("#555", "1 0"))
"""Reference lines of an interval chart: colour and dash pattern, in order."""


@dataclass(frozen=True)
class GrowthPoint:
    """One result on the growth line."""

    on: date
    score: float
    se: float
    label: str


@dataclass(frozen=True)
class PathPoint:
    """The norm (mean, SD) and the expected sublevel's start for the student on a date."""

    on: date
    mean: float | None
    sd: float | None
    expected: float | None
    expected_code: str


def nice_range(low: float, high: float, steps: int = 5) -> tuple[float, float, float]:
    """(start, end, step): a round step (1, 2, 2.5 or 5 times a power of ten) covering
    [low, high] in at most ``steps`` steps — for effect sizes and scale points alike."""
    span = max(high - low, 1e-9)
    power = 10 ** math.floor(math.log10(span / steps))
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = factor * power
        start = math.floor(low / step) * step
        count = math.ceil((high - start) / step - 1e-9)
        if count <= steps:
            return start, start + count * step, step
    return low, high, span / steps


def _y_axis(frame: Frame, step: float) -> list[str]:
    lo, hi = frame.y_range
    out = [TEXT]
    v = lo
    while v <= hi + 1e-9:
        y = frame.py(v)
        out.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y:.1f}" '
                   f'y2="{y:.1f}" stroke="#eee"/><text x="{frame.left - 6}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{v:.0f}</text>')
        v += step
    return [*out, "</g>"]


def _date_axis(frame: Frame, first: date, last: date) -> list[str]:
    out = [TEXT]
    bottom = frame.height - frame.bottom
    ticks = [date(year, month, 1) for year in range(first.year - 1, last.year + 1)
             for month in (2, 8) if first <= date(year, month, 1) <= last]
    if not ticks:  # a few weeks only (one result): the middle of them, named
        ticks = [date.fromordinal((first.toordinal() + last.toordinal()) // 2)]
    for tick in ticks:
        x = frame.px(tick.toordinal())
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 4}" '
                   f'stroke="#333"/><text x="{x:.1f}" y="{bottom + 16}" '
                   f'text-anchor="middle">{tick:%b %Y}</text>')
    out.append(f'<line x1="{frame.left}" x2="{frame.width - frame.right}" y1="{bottom}" '
               f'y2="{bottom}" stroke="#333"/></g>')
    return out


def growth_chart(points: Sequence[GrowthPoint], path: Sequence[PathPoint], *, chart_id: str,
                 title: str, desc: str, size: tuple[int, int] = (640, 320)) -> str:
    """Scores over time with 95% error bands, the norm for the student's own year level (mean
    and the band where two in three students lie) and the curriculum expectation."""
    first = min([p.on for p in points] + [p.on for p in path]) - timedelta(days=20)
    last = max([p.on for p in points] + [p.on for p in path]) + timedelta(days=20)
    values = [p.score + s * Z95 * p.se for p in points for s in (-1, 1)]
    values += [v for q in path if q.mean is not None and q.sd is not None
               for v in (q.mean - q.sd, q.mean + q.sd)]
    values += [q.expected for q in path if q.expected is not None]
    lo, hi, step = nice_range(min(values) - 10, max(values) + 10, steps=5)
    frame = Frame(width=size[0], height=size[1], left=56, right=110, top=20, bottom=40,
                  x_range=(first.toordinal(), last.toordinal()), y_range=(lo, hi))
    parts = _open(frame, chart_id, title, desc) + _y_axis(frame, step)
    parts += _norm_layer(frame, path) + _expectation_layer(frame, path)
    parts += _score_layer(frame, points)
    parts += _date_axis(frame, first, last)
    parts.append("</svg>")
    return "\n".join(parts)


def _norm_layer(frame: Frame, path: Sequence[PathPoint]) -> list[str]:
    cells = [(frame.px(q.on.toordinal()), q.mean, q.sd) for q in path
             if q.mean is not None and q.sd is not None]
    if len(cells) < 2:
        return []
    upper = [f"{x:.1f},{frame.py(m + s):.1f}" for x, m, s in cells]
    lower = [f"{x:.1f},{frame.py(m - s):.1f}" for x, m, s in reversed(cells)]
    line = " ".join(f"{x:.1f},{frame.py(m):.1f}" for x, m, _ in cells)
    x_end, y_end = cells[-1][0], frame.py(cells[-1][1])
    return [f'<polygon points="{" ".join(upper + lower)}" fill="{SHADE}" fill-opacity="0.7">'
            "<title>Norm: two in three students of their year level score in this band"
            "</title></polygon>",
            f'<polyline points="{line}" fill="none" stroke="{NORM}" stroke-width="1.5" '
            'stroke-dasharray="6 3"/>',
            f'{TEXT}<text x="{x_end + 6:.1f}" y="{y_end + 4:.1f}" fill="{NORM}">Norm mean'
            "</text></g>"]


def _expectation_layer(frame: Frame, path: Sequence[PathPoint]) -> list[str]:
    steps = [(frame.px(q.on.toordinal()), frame.py(q.expected), q.expected_code)
             for q in path if q.expected is not None]
    if not steps:
        return []
    d = f"M{steps[0][0]:.1f} {steps[0][1]:.1f}" + "".join(
        f"H{x:.1f}V{y:.1f}" for x, y, _ in steps[1:])
    x_end, y_end, code = steps[-1]
    return [f'<path d="{d}" fill="none" stroke="{EXPECT}" stroke-width="1.5" '
            'stroke-dasharray="2 3"/>',
            f'{TEXT}<text x="{x_end + 6:.1f}" y="{y_end + 4:.1f}" fill="{EXPECT}">Expected: '
            f"{escape(code)}</text></g>"]


def _score_layer(frame: Frame, points: Sequence[GrowthPoint]) -> list[str]:
    xs = [frame.px(p.on.toordinal()) for p in points]
    up = [frame.py(p.score + Z95 * p.se) for p in points]
    down = [frame.py(p.score - Z95 * p.se) for p in points]
    out = []
    if len(points) > 1:
        band = " ".join(f"{x:.1f},{y:.1f}" for x, y in [*zip(xs, up, strict=True),
                                                        *reversed(list(zip(xs, down,
                                                                           strict=True)))])
        out.append(f'<polygon points="{band}" fill="#555" fill-opacity="0.15"/>')
        line = " ".join(f"{x:.1f},{frame.py(p.score):.1f}" for x, p in zip(xs, points,
                                                                            strict=True))
        out.append(f'<polyline points="{line}" fill="none" stroke="{INK}" stroke-width="2.5"/>')
    elif points:  # one score: its band is a short grey bar around it
        out.append(f'<rect x="{xs[0] - 12:.1f}" y="{up[0]:.1f}" width="24" '
                   f'height="{max(down[0] - up[0], 0):.1f}" fill="#555" fill-opacity="0.15"/>')
    for x, u, d, p in zip(xs, up, down, points, strict=True):
        out.append(f'<path d="M{x:.1f} {u:.1f}V{d:.1f}" stroke="{INK}" stroke-width="1.2"/>'
                   f'<circle cx="{x:.1f}" cy="{frame.py(p.score):.1f}" r="4.5" fill="{INK}" '
                   f'stroke="#fff"><title>{escape(p.label)}: {p.score:.0f} ± '
                   f'{Z95 * p.se:.0f} (95%)</title></circle>')
    return out


def quadrant_chart(points: Sequence[tuple[float, float, float, float, str]], *,
                   corners: Sequence[str], chart_id: str, title: str, desc: str,
                   x_label: str, y_label: str, named: set[str] | None = None,
                   size: tuple[int, int] = (640, 460)) -> str:
    """Points (x, x_se, y, y_se, label) with 95% error bars, split at x = 0 and y = 0.

    ``corners``: top-left, top-right, bottom-left, bottom-right quadrant names. Only points
    in ``named`` (all when None) carry a visible name; every point has it as its tooltip.
    """
    xs = [v for x, xe, _, _, _ in points for v in (x - Z95 * xe, x + Z95 * xe)] + [0.0]
    ys = [v for _, _, y, ye, _ in points for v in (y - Z95 * ye, y + Z95 * ye)] + [0.0]
    x0, x1, xstep = nice_range(min(xs) - 5, max(xs) + 5, steps=8)
    y0, y1, ystep = nice_range(min(ys) - 5, max(ys) + 5, steps=8)
    frame = Frame(width=size[0], height=size[1], left=60, right=20, top=20, bottom=50,
                  x_range=(x0, x1), y_range=(y0, y1))
    parts = _open(frame, chart_id, title, desc) + _y_axis(frame, ystep)
    left, right = frame.left, frame.width - frame.right
    top, bottom = frame.top, frame.height - frame.bottom
    cx, cy = frame.px(0.0), frame.py(0.0)
    parts.append(f'<path d="M{cx:.1f} {top}V{bottom}M{left} {cy:.1f}H{right}" stroke="#333" '
                 'stroke-width="1.2" stroke-dasharray="6 3" fill="none"/>')
    parts.append('<g font-family="sans-serif" font-size="11" fill="#555" font-style="italic">')
    for text, tx, ty, anchor in ((corners[0], left + 6, top + 14, "start"),
                                 (corners[1], right - 6, top + 14, "end"),
                                 (corners[2], left + 6, bottom - 8, "start"),
                                 (corners[3], right - 6, bottom - 8, "end")):
        parts.append(f'<text x="{tx}" y="{ty}" text-anchor="{anchor}">{escape(text)}</text>')
    parts.append("</g>" + TEXT)
    v = x0
    while v <= x1 + 1e-9:
        parts.append(f'<text x="{frame.px(v):.1f}" y="{bottom + 16}" text-anchor="middle">'
                     f'{v:+.0f}</text>')
        v += xstep
    parts.append(f'<text x="{(left + right) / 2:.1f}" y="{frame.height - 12}" '
                 f'text-anchor="middle">{escape(x_label)}</text><text transform="translate(14 '
                 f'{(top + bottom) / 2:.1f}) rotate(-90)" text-anchor="middle">'
                 f'{escape(y_label)}</text></g>')
    for x, xe, y, ye, label in points:
        px, py = frame.px(x), frame.py(y)
        parts.append(
            f'<path d="M{frame.px(x - Z95 * xe):.1f} {py:.1f}H{frame.px(x + Z95 * xe):.1f}'
            f'M{px:.1f} {frame.py(y + Z95 * ye):.1f}V{frame.py(y - Z95 * ye):.1f}" '
            'stroke="#8a8f93" stroke-width="1"/>'
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{INK}" stroke="#fff"><title>'
            f'{escape(label)}: {x:+.0f} against their norm, {y:+.0f} against expected '
            f'growth</title></circle>' + (
                f'{TEXT}<text x="{px + 6:.1f}" y="{py - 4:.1f}" font-size="10">'
                f'{escape(label)}</text></g>' if named is None or label in named else ""))
    parts.append("</svg>")
    return "\n".join(parts)


@dataclass(frozen=True)
class DistributionRow:
    """One group's scores with its norm (mean, SD) and the expected sublevel's start."""

    label: str
    scores: Sequence[float]
    norm: tuple[float, float] | None
    expected: tuple[str, float] | None


def distribution_chart(rows: Sequence[DistributionRow], *, chart_id: str, title: str,
                       desc: str, width: int = 680) -> str:
    """One strip per group: the norm band and mean, the expected level's start, each
    student's score as a dot and the middle half of the scores as a box."""
    values = [s for r in rows for s in r.scores]
    values += [v for r in rows if r.norm for v in (r.norm[0] - r.norm[1], r.norm[0] + r.norm[1])]
    values += [r.expected[1] for r in rows if r.expected]
    lo, hi, step = nice_range(min(values) - 10, max(values) + 10, steps=6)
    height = 20 + 54 * len(rows) + 40
    frame = Frame(width=width, height=height, left=90, right=20, top=14, bottom=40,
                  x_range=(lo, hi))
    parts = _open(frame, chart_id, title, desc)
    for k, row in enumerate(rows):
        parts += _distribution_row(frame, row, frame.top + 54 * k)
    bottom = height - frame.bottom
    parts.append(TEXT + f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{bottom}" '
                 f'y2="{bottom}" stroke="#333"/>')
    v = lo
    while v <= hi + 1e-9:
        parts.append(f'<text x="{frame.px(v):.1f}" y="{bottom + 15}" text-anchor="middle">'
                     f'{v:.0f}</text>')
        v += step
    parts.append(f'<text x="{(frame.left + width - frame.right) / 2:.1f}" y="{height - 4}" '
                 'text-anchor="middle">Scale score</text></g></svg>')
    return "\n".join(parts)


def _distribution_row(frame: Frame, row: DistributionRow, y: float) -> list[str]:
    out = [f'{TEXT}<text x="{frame.left - 8}" y="{y + 24}" text-anchor="end" '
           f'font-weight="bold">{escape(row.label)}</text></g>']
    if row.norm:
        mean, sd = row.norm
        a, b = frame.px(mean - sd), frame.px(mean + sd)
        out.append(f'<rect x="{a:.1f}" y="{y + 6}" width="{b - a:.1f}" height="34" '
                   f'fill="{SHADE}"/><line x1="{frame.px(mean):.1f}" x2="{frame.px(mean):.1f}" '
                   f'y1="{y + 2}" y2="{y + 44}" stroke="{NORM}" stroke-width="1.5" '
                   f'stroke-dasharray="6 3"><title>Norm mean {mean:.0f}</title></line>')
    if row.expected:
        x = frame.px(row.expected[1])
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 2}" y2="{y + 44}" '
                   f'stroke="{EXPECT}" stroke-width="2" stroke-dasharray="2 3"><title>Expected '
                   f'{escape(row.expected[0])} begins at {row.expected[1]:.0f}</title></line>')
    ordered = sorted(row.scores)
    if len(ordered) >= 4:
        q1, q3 = ordered[len(ordered) // 4], ordered[(3 * len(ordered)) // 4]
        out.append(f'<rect x="{frame.px(q1):.1f}" y="{y + 14}" '
                   f'width="{frame.px(q3) - frame.px(q1):.1f}" height="18" fill="none" '
                   f'stroke="{INK}" stroke-width="1.2"/>')
    for k, s in enumerate(ordered):
        out.append(f'<circle cx="{frame.px(s):.1f}" cy="{y + 16 + 14 * (k % 2)}" r="3" '
                   f'fill="{INK}" fill-opacity="0.75"/>')
    return out


def interval_chart(rows: Sequence[tuple[str, float, float, float]], *, references:
                   Sequence[tuple[float, str]], chart_id: str, title: str, desc: str,
                   x_label: str, width: int = 640) -> str:
    """Estimates with 95% intervals (label, value, low, high), one per row, beside labelled
    reference lines (e.g. the expected d and the 0.40 hinge)."""
    values = [v for _, v, a, b in rows for v in (a, b)] + [r for r, _ in references] + [0.0]
    pad = 0.05 * (max(values) - min(values) or 1.0)
    lo, hi, step = nice_range(min(values) - pad, max(values) + pad, steps=6)
    height = 50 + 26 * len(rows) + 40
    frame = Frame(width=width, height=height, left=150, right=30, top=40, bottom=40,
                  x_range=(lo, hi))
    parts = _open(frame, chart_id, title, desc)
    bottom = height - frame.bottom
    for k, (value, text) in enumerate(references):
        x = frame.px(value)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{frame.top - 6}" y2="{bottom}" '
                     f'stroke="{STYLES[k % 3][0]}" stroke-dasharray="{STYLES[k % 3][1]}"/>'
                     f'{TEXT}<text x="{x:.1f}" y="{frame.top - 10 - 12 * (k % 2)}" '
                     f'text-anchor="middle">{escape(text)}</text></g>')
    for k, (label, value, a, b) in enumerate(rows):
        y = frame.top + 14 + 26 * k
        parts.append(f'{TEXT}<text x="{frame.left - 8}" y="{y + 4}" text-anchor="end">'
                     f'{escape(label)}</text></g><path d="M{frame.px(a):.1f} {y}H{frame.px(b):.1f}'
                     f'M{frame.px(a):.1f} {y - 5}v10M{frame.px(b):.1f} {y - 5}v10" stroke="{INK}" '
                     f'stroke-width="1.5"/><rect x="{frame.px(value) - 4:.1f}" y="{y - 4}" '
                     f'width="8" height="8" fill="{INK}"><title>{escape(label)}: {value:.2f} '
                     f'({a:.2f} to {b:.2f})</title></rect>')
    parts.append(TEXT + f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{bottom}" '
                 f'y2="{bottom}" stroke="#333"/>')
    v = lo
    while v <= hi + 1e-9:
        parts.append(f'<text x="{frame.px(v):.1f}" y="{bottom + 15}" text-anchor="middle">'
                     f'{v:.2f}</text>' if step < 1 else
                     f'<text x="{frame.px(v):.1f}" y="{bottom + 15}" text-anchor="middle">'
                     f'{v:.0f}</text>')
        v += step
    parts.append(f'<text x="{(frame.left + width - frame.right) / 2:.1f}" y="{height - 6}" '
                 f'text-anchor="middle">{escape(x_label)}</text></g></svg>')
    return "\n".join(parts)
