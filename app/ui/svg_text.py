"""Chart labels in PDFs shaped as whole runs, not one character at a time.

WeasyPrint (≤ 70) draws every SVG ``<text>`` character by character, so that each could
carry its own ``x``/``y``/``dx``/``dy``/``rotate``: a Pango layout per character, about a
millisecond per label and an eighth of a pathway's print, with no kerning, and combining
marks (a macron typed as its own character in a Māori name) split from their letters
(WeasyPrint issue #2249). Kete's charts never position single characters, so a label that
gives at most one ``x`` and one ``y`` and no per-character spacing is laid out and drawn as
one run, the way HTML text is; anything else still takes WeasyPrint's own path.

:func:`install` replaces WeasyPrint's drawing function for ``<text>``/``<tspan>`` only on the
WeasyPrint version this was checked against (see :data:`CHECKED_MAJOR`); on any other the
library's own path is kept (slower, never broken). Drop this module once WeasyPrint shapes
plain SVG text runs itself.
"""

from __future__ import annotations

import importlib
from math import inf
from typing import Any

CHECKED_MAJOR = "70"
"""The WeasyPrint major version whose SVG text drawing this mirrors."""

PER_CHARACTER = ("dx", "dy", "rotate", "letter-spacing", "textLength", "lengthAdjust")
"""Attributes that place or space single characters: their text takes WeasyPrint's path."""

_WEIGHTS = {"normal": 400, "bold": 700}


def _single(node: Any, name: str) -> bool:
    from weasyprint.svg.utils import normalize

    value = node.attrib.get(name)
    return value is None or len(normalize(value).split(" ")) == 1


def is_plain_run(node: Any) -> bool:
    """True for a ``<text>``/``<tspan>`` with one line of text placed as a whole."""
    return (node.tag in ("text", "tspan") and bool(node.text) and "\n" not in node.text
            and not any(name in node.attrib for name in PER_CHARACTER)
            and _single(node, "x") and _single(node, "y"))


def _style(svg: Any, node: Any, font_size: float) -> Any:
    """The text style WeasyPrint's own path builds from the node's attributes."""
    from weasyprint.css.properties import INITIAL_VALUES

    style = _svg_text().Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'")
                            for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    try:
        style["font_weight"] = int(_WEIGHTS.get(weight, weight))
    except ValueError:
        style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    return style


def _baseline_shift(node: Any, font_size: float, height: float) -> float:
    """WeasyPrint's vertical alignment of a text box (its ``y_align``)."""
    ascent, descent = font_size * 0.8, font_size * 0.2
    anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if anchor == "middle":
        return -height / 2
    if anchor == "bottom":
        return -height
    if anchor == "top":
        return 0.0
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0.0


def _position(svg: Any, node: Any, font_size: float) -> tuple[float, float]:
    """Where the run starts: its own ``x``/``y`` or where the previous run ended."""
    from weasyprint.svg.utils import size

    x, y = svg.cursor_position
    if "x" in node.attrib:
        x = size(node.attrib["x"], font_size, svg.inner_width)
        svg.cursor_d_position[0] = 0
    if "y" in node.attrib:
        y = size(node.attrib["y"], font_size, svg.inner_height)
        svg.cursor_d_position[1] = 0
    return x, y


def draw_text(svg: Any, node: Any, font_size: float) -> None:
    """Draw an SVG text node: a plain run in one piece, anything else as WeasyPrint does."""
    if not is_plain_run(node):
        return _original(svg, node, font_size)
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.text.line_break import split_first_line

    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(
        node.text, style, svg.context, inf, 0)
    x, y = _position(svg, node, font_size)
    svg.cursor_position = x + width, y
    left = x + svg.cursor_d_position[0]
    bottom = y + svg.cursor_d_position[1] + _baseline_shift(node, font_size, height)
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box, ((left, bottom - baseline), (left + width, bottom - baseline
                                                             + height)))
    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = _svg_text().TextBox(layout, style)
    box.baseline = baseline
    emojis = draw_first_line(svg.stream, box, "none", "none", Matrix(a=1, d=-1, e=left,
                                                                      f=bottom))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)
    return None


def _svg_text() -> Any:
    # ``weasyprint.svg.text`` the module (the package re-exports a function of that name).
    return importlib.import_module("weasyprint.svg.text")


def _original(svg: Any, node: Any, font_size: float) -> None:
    _svg_text().text(svg, node, font_size)


def install() -> bool:
    """Use :func:`draw_text` for SVG text in this process; True if it is in use.

    WeasyPrint's drawing code recognises text nodes by comparing with its module-level
    ``text`` function, so that name is replaced together with the table entries.
    """
    import weasyprint
    import weasyprint.svg as svg

    if svg.text is draw_text:
        return True
    if weasyprint.__version__.split(".")[0] != CHECKED_MAJOR or svg.text is not _svg_text().text:
        return False
    for tag, function in list(svg.TAGS.items()):
        if function is svg.text:
            svg.TAGS[tag] = draw_text
    svg.text = draw_text
    return True
