"""Sanitising item and passage HTML: text, tables, images and MathML survive; scripts never."""

from __future__ import annotations

import nh3

_MATHML = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mfrac", "msqrt", "mroot",
    "msup", "msub", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation",
}
_TAGS = (set(nh3.ALLOWED_TAGS) | _MATHML) - {"a", "area", "map"}
_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS
}
_ATTRIBUTES["math"] = {"display", "xmlns"}
_ATTRIBUTES["mo"] = {"stretchy", "fence", "separator"}
_ATTRIBUTES["mfrac"] = {"linethickness"}
_ATTRIBUTES["menclose"] = {"notation"}
_ATTRIBUTES["annotation"] = {"encoding"}
_ATTRIBUTES["img"] = {"alt", "src", "width", "height"}
_ATTRIBUTES["*"] = {"lang", "title"}


def sanitise(html: str) -> str:
    """Clean ``html`` for display to students: no scripts, event handlers, styles or links.

    Images may come from https or inline ``data:`` URLs. Idempotent:
    ``sanitise(sanitise(x)) == sanitise(x)``, so imports round-trip.
    """
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"https", "data"},
        strip_comments=True,
        link_rel=None,
    )
