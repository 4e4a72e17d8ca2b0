"""Sanitising item and passage HTML: text, tables, images and MathML survive; scripts never."""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

from app.config import get_settings

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

    Images keep their ``src`` only when it is Kete's own (a path on this site) or an https
    address on a host in ``KETE_IMAGE_HOSTS``: a student's browser never calls a third party
    while sitting a test (the pages' CSP says the same). Idempotent:
    ``sanitise(sanitise(x)) == sanitise(x)``, so imports round-trip.
    """
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"https"},
        strip_comments=True,
        link_rel=None,
        attribute_filter=_allowed_image,
    )


def _allowed_image(tag: str, attribute: str, value: str) -> str | None:
    if tag != "img" or attribute != "src":
        return value
    if value.startswith("/") and not value.startswith("//"):
        return value
    host = urlsplit(value).hostname or ""
    hosts = get_settings().image_host_list
    return value if value.startswith("https://") and host.lower() in hosts else None
