"""axe-core in the browser tests. The engine (axe.min.js) ships inside the PyPI package
``axe-playwright-python``, a development dependency that ``make install`` installs, so
nothing is downloaded while the tests run."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any


@cache
def axe_source() -> str:
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as loaded (all rules axe runs by default: WCAG 2.x
    A and AA, and best practice), each with the first few offending elements."""
    page.evaluate(axe_source())
    found = page.evaluate("async () => (await axe.run(document, "
                          "{resultTypes: ['violations']})).violations")
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "where": [n["target"] for n in v["nodes"]][:4]} for v in found]


def assert_accessible(page: Any, name: str) -> None:
    """No axe-core violation on the page; the message lists what axe found."""
    found = violations(page)
    assert found == [], f"axe-core on {name}: {found}"
