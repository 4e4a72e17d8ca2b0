"""Accessible SVG charts shared by pages and PDFs (no JavaScript; WeasyPrint renders them).

Every chart has ``role="img"``, a ``<title>`` and a ``<desc>`` referenced by
``aria-labelledby``, labelled axes and tick values. Pass a page-unique ``chart_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

PALETTE = ("#1a56db", "#c2410c", "#047857", "#7c3aed", "#b91c1c", "#0e7490")


@dataclass(frozen=True)
class Frame:
    """A plotting area and its data ranges."""

    width: int = 480
    height: int = 300
    left: int = 56
    right: int = 16
    top: int = 36
    bottom: int = 48
    x_range: tuple[float, float] = (0.0, 1.0)
    y_range: tuple[float, float] = (0.0, 1.0)

    def px(self, v: float) -> float:
        lo, hi = self.x_range
        return self.left + (v - lo) / (hi - lo or 1.0) * (self.width - self.left - self.right)

    def py(self, v: float) -> float:
        lo, hi = self.y_range
        return self.height - self.bottom - (v - lo) / (hi - lo or 1.0) * (
            self.height - self.top - self.bottom)


def _open(frame: Frame, chart_id: str, title: str, desc: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} '
            f'{frame.height}" width="{frame.width}" height="{frame.height}" role="img" '
            f'aria-labelledby="{chart_id}-t {chart_id}-d" class="chart">',
            f'<title id="{chart_id}-t">{escape(title)}</title>',
            f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
            '<rect width="100%" height="100%" fill="white"/>']


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    step = (high - low) / max(count - 1, 1)
    return [low + k * step for k in range(count)]


def axes(frame: Frame, x_label: str, y_label: str,
         y_format: Callable[[float], str] = lambda v: f"{v:.1f}",
         x_format: Callable[[float], str] = lambda v: f"{v:.1f}") -> list[str]:
    """Axis lines, tick labels and axis titles."""
    bottom, left, right = frame.height - frame.bottom, frame.left, frame.width - frame.right
    out = [f'<g stroke="#333" stroke-width="1"><line x1="{left}" y1="{bottom}" x2="{right}" '
           f'y2="{bottom}"/><line x1="{left}" y1="{frame.top}" x2="{left}" y2="{bottom}"/></g>',
           '<g font-family="sans-serif" font-size="11" fill="#333">']
    for v in ticks(*frame.x_range):
        out.append(f'<text x="{frame.px(v):.1f}" y="{bottom + 16}" text-anchor="middle">'
                   f'{x_format(v)}</text>')
    for v in ticks(*frame.y_range):
        out.append(f'<text x="{left - 6}" y="{frame.py(v) + 4:.1f}" text-anchor="end">'
                   f'{y_format(v)}</text>')
    out.append(f'<text x="{(left + right) / 2:.1f}" y="{frame.height - 10}" '
               f'text-anchor="middle">{escape(x_label)}</text>')
    out.append(f'<text transform="translate(14 {(frame.top + bottom) / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">{escape(y_label)}</text></g>')
    return out


def line_chart(x: Sequence[float] | np.ndarray, series: Mapping[str, Sequence[float] | np.ndarray],
               *, chart_id: str, title: str, desc: str, x_label: str, y_label: str,
               y_range: tuple[float, float] | None = None,
               band: tuple[float, float] | None = None,
               marks: Sequence[tuple[float, float, str]] = (), size: tuple[int, int] = (480, 300),
               x_format: Callable[[float], str] = lambda v: f"{v:.1f}") -> str:
    """Lines of ``series`` (name → y values) against ``x``; a legend when there are several.

    ``band`` shades an x range (e.g. a class's θ range); ``marks`` are labelled points.
    """
    xs = np.asarray(x, dtype=float)
    top = max([float(np.nanmax(v)) for v in series.values()] + [m[1] for m in marks] + [0.0])
    legend = 150 if len(series) > 1 else 0  # a legend column right of the plot
    frame = Frame(width=size[0] + legend, height=size[1], right=16 + legend,
                  x_range=(float(xs.min()), float(xs.max())),
                  y_range=y_range or (0.0, top * 1.1 or 1.0))
    parts = _open(frame, chart_id, title, desc)
    if band is not None:
        a, b = frame.px(max(band[0], frame.x_range[0])), frame.px(min(band[1], frame.x_range[1]))
        parts.append(f'<rect x="{a:.1f}" y="{frame.top}" width="{max(b - a, 0):.1f}" '
                     f'height="{frame.height - frame.top - frame.bottom}" fill="#e8f0fe"/>')
    parts += axes(frame, x_label, y_label, x_format=x_format)
    for k, (name, ys) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        # past the palette, lines are dashed, so no two series of up to twelve look alike
        dash = ' stroke-dasharray="6 3"' if (k // len(PALETTE)) % 2 else ""
        points = " ".join(f"{frame.px(a):.1f},{frame.py(b):.1f}"
                          for a, b in zip(xs, np.asarray(ys, dtype=float), strict=True))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" '
                     f'stroke-width="2"{dash}><title>{escape(name)}</title></polyline>')
        if legend:
            y = frame.top + 8 + 16 * k
            x0 = frame.width - legend + 4
            parts.append(f'<line x1="{x0}" x2="{x0 + 18}" y1="{y - 4}" y2="{y - 4}" '
                         f'stroke="{colour}" stroke-width="2"{dash}/><text x="{x0 + 24}" y="{y}" '
                         f'font-family="sans-serif" font-size="11" fill="#333">'
                         f'{escape(name[:24])}</text>')
    for mx, my, label in marks:
        parts.append(f'<circle cx="{frame.px(mx):.1f}" cy="{frame.py(my):.1f}" r="4" '
                     f'fill="#c2410c"><title>{escape(label)}</title></circle>')
    parts.append("</svg>")
    return "\n".join(parts)


def wright_map(edges: Sequence[float], person_counts: Sequence[int],
               item_locations: Sequence[float], *, chart_id: str, title: str,
               desc: str) -> str:
    """Persons (bars, left) and items (ticks, right) on one θ scale, θ running upwards."""
    lo, hi = float(edges[0]), float(edges[-1])
    frame = Frame(width=480, height=420, left=56, right=16, top=30, bottom=40,
                  x_range=(0.0, 1.0), y_range=(lo, hi))
    parts = _open(frame, chart_id, title, desc)
    mid, most = frame.width / 2, max(max(person_counts, default=0), 1)
    half = mid - frame.left - 8
    for k, count in enumerate(person_counts):
        y0, y1 = frame.py(float(edges[k + 1])), frame.py(float(edges[k]))
        w = half * count / most
        parts.append(f'<rect x="{mid - 8 - w:.1f}" y="{y0:.1f}" width="{w:.1f}" '
                     f'height="{max(y1 - y0 - 1, 0.5):.1f}" fill="#93c5fd"><title>{count} '
                     f'persons between θ {edges[k]:.1f} and {edges[k + 1]:.1f}</title></rect>')
    for b in item_locations:
        y = frame.py(min(max(float(b), lo), hi))
        parts.append(f'<line x1="{mid + 8}" x2="{mid + 40}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#c2410c" stroke-opacity="0.6"><title>item at {b:.2f}</title></line>')
    parts.append(f'<line x1="{mid}" x2="{mid}" y1="{frame.top}" '
                 f'y2="{frame.height - frame.bottom}" stroke="#333"/>')
    parts.append('<g font-family="sans-serif" font-size="11" fill="#333">')
    for v in ticks(lo, hi, 11):
        parts.append(f'<text x="{frame.left - 6}" y="{frame.py(v) + 4:.1f}" '
                     f'text-anchor="end">{v:.0f}</text>')
    parts.append(f'<text x="{mid - 12}" y="{frame.height - 14}" text-anchor="end">Persons'
                 f'</text><text x="{mid + 12}" y="{frame.height - 14}">Items</text>')
    parts.append(f'<text transform="translate(14 {frame.height / 2:.1f}) rotate(-90)" '
                 'text-anchor="middle">θ (logits)</text></g></svg>')
    return "\n".join(parts)
