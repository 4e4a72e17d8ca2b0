"""Report charts: scale strips, score profiles and the achievement × progress quadrant.

Built on the primitives in :mod:`app.ui.charts` (same frame, accessible header, axes).
Text always carries the meaning; fills and dash patterns differ too, so they read in greyscale.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from app.ui.charts import Frame, _open, axes

LEVEL_FILLS = ("#ecece6", "#ffffff")
PROFILE_FILLS = {"above": "#0b6e4f", "below": "#c2410c", "about the same": "#8a8f93"}
_TEXT = '<g font-family="sans-serif" font-size="11" fill="#222">'


def nice_range(low: float, high: float, steps: int = 4) -> tuple[float, float, float]:
    """(start, end, step) with a round step, covering [low, high] in ``steps`` steps."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        start = np.floor(low / step) * step
        if start + steps * step >= high:
            return float(start), float(start + steps * step), float(step)
    return low, high, (high - low) / steps


def _level_bands(frame: Frame, levels: Sequence[tuple[str, float, float]], top: float,
                 bottom: float) -> list[str]:
    lo, hi = frame.x_range
    out = [_TEXT, f'<text x="{frame.left}" y="{top - 6}">Curriculum sublevels</text>']
    for k, (name, start, end) in enumerate(levels):
        if end <= lo or start >= hi:
            continue
        a, b = frame.px(max(start, lo)), frame.px(min(end, hi))
        out.append(f'<rect x="{a:.1f}" y="{top}" width="{b - a:.1f}" height="22" '
                   f'fill="{LEVEL_FILLS[k % 2]}" stroke="#999" stroke-width="0.5">'
                   f'<title>{escape(name)}: {start:.0f}–{end:.0f}</title></rect>')
        out.append(f'<line x1="{a:.1f}" x2="{a:.1f}" y1="{top + 22}" y2="{bottom}" '
                   'stroke="#bbb" stroke-dasharray="2 3"/>')
        if b - a >= 18:
            out.append(f'<text x="{(a + b) / 2:.1f}" y="{top + 15}" text-anchor="middle">'
                       f'{escape(name)}</text>')
    return [*out, "</g>"]


def _anchor(frame: Frame, x: float) -> str:
    """Keep labels inside the chart: left-align near the left edge, right-align near the right."""
    if x < frame.left + 120:
        return f'x="{max(x, frame.left):.1f}" text-anchor="start"'
    if x > frame.width - frame.right - 120:
        return f'x="{min(x, frame.width - frame.right):.1f}" text-anchor="end"'
    return f'x="{x:.1f}" text-anchor="middle"'


def _norm_band(frame: Frame, norm: tuple[str, float, float], y: float) -> list[str]:
    label, mean, sd = norm
    a, b, m = frame.px(mean - sd), frame.px(mean + sd), frame.px(mean)
    text = f"{label}: mean {mean:.0f}; two in three students {mean - sd:.0f}–{mean + sd:.0f}"
    return [f'<rect x="{a:.1f}" y="{y}" width="{b - a:.1f}" height="16" fill="#d6e4f0" '
            f'stroke="#1f4e79" stroke-dasharray="4 2"><title>{escape(text)}</title></rect>',
            f'<line x1="{m:.1f}" x2="{m:.1f}" y1="{y - 3}" y2="{y + 19}" stroke="#1f4e79" '
            'stroke-width="2"/>',
            f'{_TEXT}<text {_anchor(frame, m)} y="{y - 6}">{escape(text)}</text></g>']


def _score_mark(frame: Frame, score: tuple[float, float, str], y: float) -> list[str]:
    value, se, label = score
    a, b, x = frame.px(value - se), frame.px(value + se), frame.px(value)
    return [f'<rect x="{a:.1f}" y="{y}" width="{max(b - a, 2):.1f}" height="16" fill="#555" '
            f'fill-opacity="0.35" stroke="#111"/>',
            f'<path d="M{x:.1f} {y - 4} l7 12 l-7 12 l-7 -12 z" fill="#111" stroke="#fff">'
            f'<title>{escape(label)}</title></path>',
            f'{_TEXT}<text {_anchor(frame, x)} y="{y - 8}" font-weight="bold">'
            f'{escape(label)}</text></g>']


def _dot_plot(frame: Frame, dots: Sequence[tuple[float, str]], base: float) -> list[str]:
    """Stack one dot per student upwards from ``base``, binned by the dot's width."""
    heights: dict[int, int] = {}
    out = []
    for value, label in sorted(dots):
        column = round(frame.px(value) / 11)
        level = heights.get(column, 0)
        heights[column] = level + 1
        out.append(f'<circle cx="{column * 11}" cy="{base - 5 - level * 11}" r="5" '
                   f'fill="#1b2a33" stroke="#fff"><title>{escape(label)}</title></circle>')
    return out


def scale_strip(x_range: tuple[float, float], *, levels: Sequence[tuple[str, float, float]],
                chart_id: str, title: str, desc: str,
                norm: tuple[str, float, float] | None = None,
                norms: Sequence[tuple[str, float, float]] = (),
                score: tuple[float, float, str] | None = None,
                dots: Sequence[tuple[float, str]] = (), width: int = 640) -> str:
    """A horizontal scale-score strip: sublevel bands; each norm (label, mean, SD) as a dashed
    band of mean ± SD (``norm`` for one, ``norms`` for several, e.g. one per year level);
    then one score (value, SE, label) with its ± SE band, or ``dots`` (value, label) stacked
    as a dot plot."""
    bands = [norm] if norm is not None else list(norms)
    probe = Frame(width=width, left=20, right=20, x_range=x_range)
    stack = max([sum(round(probe.px(v) / 11) == round(probe.px(w) / 11) for w, _ in dots)
                 for v, _ in dots] + [0])
    norm_y = 78
    row_y = norm_y + 44 * len(bands) + 18
    axis_y = row_y + max(stack * 11 + 4, 24)
    frame = Frame(width=width, height=axis_y + 44, left=20, right=20, top=22,
                  bottom=44, x_range=x_range)
    parts = _open(frame, chart_id, title, desc) + _level_bands(frame, levels, 30, axis_y)
    for k, band in enumerate(bands):
        parts += _norm_band(frame, band, norm_y + 44 * k)
    if score is not None:
        parts += _score_mark(frame, score, row_y)
    parts += _dot_plot(frame, dots, axis_y - 2)
    start, _, step = nice_range(*x_range, steps=8)
    parts += [f'<line x1="{frame.left}" x2="{width - frame.right}" y1="{axis_y}" '
              f'y2="{axis_y}" stroke="#333"/>', _TEXT]
    for k in range(9):
        v = start + k * step
        if x_range[0] <= v <= x_range[1]:
            parts.append(f'<text x="{frame.px(v):.1f}" y="{axis_y + 15}" '
                         f'text-anchor="middle">{v:.0f}</text>')
    parts.append(f'<text x="{width / 2}" y="{axis_y + 34}" text-anchor="middle">Scale score'
                 '</text></g></svg>')
    return "\n".join(parts)


Z95 = 1.96
"""Standard errors either side of an estimate for its 95% interval."""


def profile_chart(rows: Sequence[tuple[str, float, float]], *, reference: str, chart_id: str,
                  title: str, desc: str, width: int = 640) -> str:
    """Bars of (label, difference from the reference score, SE) with 95% whiskers
    (± 1.96 SE).

    A bar is "above" or "below" only when its 95% interval clears the reference line (a
    difference unlikely to be chance); otherwise it is "about the same". Each says so in words
    beside it, in a column wide enough for the longest words.
    """
    span = max([abs(d) + Z95 * se for _, d, se in rows] + [20.0]) * 1.1
    frame = Frame(width=width, height=64 + 30 * len(rows), left=170, right=200, top=34,
                  bottom=30, x_range=(-span, span))
    parts = _open(frame, chart_id, title, desc)
    zero = frame.px(0.0)
    for k, (label, diff, se) in enumerate(rows):
        y = frame.top + 30 * k + 15
        word = profile_word(diff, se)
        a, b = sorted((frame.px(diff), zero))
        lo, hi = frame.px(diff - Z95 * se), frame.px(diff + Z95 * se)
        parts += [f'<rect x="{a:.1f}" y="{y - 7}" width="{max(b - a, 1):.1f}" height="14" '
                  f'fill="{PROFILE_FILLS[word]}"/>',
                  f'<path d="M{lo:.1f} {y - 5}v10M{lo:.1f} {y}H{hi:.1f}M{hi:.1f} {y - 5}v10" '
                  'stroke="#111" stroke-width="1.5" fill="none"/>',
                  f'{_TEXT}<text x="{frame.left - 8}" y="{y + 4}" text-anchor="end">'
                  f'{escape(label)}</text><text x="{width - frame.right + 10}" y="{y + 4}">'
                  f'{diff:+.0f} ± {Z95 * se:.0f}: {word}</text></g>']
    bottom = frame.height - frame.bottom
    parts += [f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{frame.top - 6}" y2="{bottom}" '
              'stroke="#111" stroke-dasharray="3 2"/>',
              f'{_TEXT}<text x="{zero:.1f}" y="{frame.top - 12}" text-anchor="middle">'
              f'{escape(reference)}</text>',
              f'<text x="{zero - 6:.1f}" y="{bottom + 18}" text-anchor="end">← lower</text>'
              f'<text x="{zero + 6:.1f}" y="{bottom + 18}">higher →</text></g></svg>']
    return "\n".join(parts)


def profile_word(diff: float, se: float) -> str:
    """"above"/"below" when the 95% interval clears zero, else "about the same"."""
    if diff - Z95 * se > 0:
        return "above"
    return "below" if diff + Z95 * se < 0 else "about the same"


def quadrant_scatter(points: Sequence[tuple[float, float, str]], *, x_cut: float, y_cut: float,
                     x_label: str, y_label: str, corners: tuple[str, str, str, str],
                     chart_id: str, title: str, desc: str, size: tuple[int, int] = (600, 420),
                     ) -> str:
    """Points (x, y, label) split into four quadrants by dashed lines at ``x_cut``/``y_cut``.

    ``corners`` name the quadrants: top-left, top-right, bottom-left, bottom-right.
    """
    xs = [p[0] for p in points] + [x_cut]
    ys = [p[1] for p in points] + [y_cut, 0.0]
    pad_x, pad_y = max(np.ptp(xs) * 0.1, 10.0), max(np.ptp(ys) * 0.1, 10.0)
    x0, x1, _ = nice_range(min(xs) - pad_x, max(xs) + pad_x)
    y0, y1, _ = nice_range(min(ys) - pad_y, max(ys) + pad_y)
    frame = Frame(width=size[0], height=size[1], left=64, right=24, top=24, bottom=52,
                  x_range=(x0, x1), y_range=(y0, y1))
    parts = _open(frame, chart_id, title, desc)
    cx, cy = frame.px(x_cut), frame.py(y_cut)
    left, right = frame.left, frame.width - frame.right
    top, bottom = frame.top, frame.height - frame.bottom
    parts += [f'<path d="M{cx:.1f} {top}V{bottom}M{left} {cy:.1f}H{right}" stroke="#555" '
              'stroke-dasharray="6 3" fill="none"/>']
    parts += axes(frame, x_label, y_label, y_format=lambda v: f"{v:.0f}",
                  x_format=lambda v: f"{v:.0f}")
    parts.append('<g font-family="sans-serif" font-size="11" fill="#555" font-style="italic">')
    for text, tx, ty, anchor in ((corners[0], left + 6, top + 14, "start"),
                                 (corners[1], right - 6, top + 14, "end"),
                                 (corners[2], left + 6, bottom - 8, "start"),
                                 (corners[3], right - 6, bottom - 8, "end")):
        parts.append(f'<text x="{tx}" y="{ty}" text-anchor="{anchor}">{escape(text)}</text>')
    parts.append(f'</g>{_TEXT}')
    for x, y, label in points:
        px, py = frame.px(x), frame.py(y)
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#1b2a33" stroke="#fff">'
                     f'<title>{escape(label)}: {x:.0f}, {y:+.0f}</title></circle>'
                     f'<text x="{px + 6:.1f}" y="{py + 4:.1f}" font-size="9">'
                     f'{escape(label)}</text>')
    parts.append("</g></svg>")
    return "\n".join(parts)
