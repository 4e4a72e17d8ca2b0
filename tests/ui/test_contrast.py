"""The keyboard focus ring stands out (WCAG 2.2 non-text contrast ≥ 3:1) on every background a
focusable element sits on: the page, cards and tables, and the green header."""

from __future__ import annotations

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[2] / "app" / "static" / "kete.css").read_text()


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _variable(name: str) -> str:
    found = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert found, name
    return found.group(1)


def test_contrast_matches_published_values() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#f4a261", "#f7f7f2"), 1) < 3  # the old ring: about 2:1


def test_focus_ring_has_3_to_1_on_every_background() -> None:
    rule = re.search(r"a:focus[^{]*\{([^}]*)\}", CSS)
    assert rule, "a focus rule"
    ring = re.search(r"outline:\s*\d+px solid (#[0-9a-fA-F]{6})", rule.group(1))
    halo = re.search(r"box-shadow:[^;]*(#[0-9a-fA-F]{6})", rule.group(1))
    assert ring
    colours = [ring.group(1)] + ([halo.group(1)] if halo else [])
    for background in (_variable("bg"), "#ffffff", _variable("accent")):
        best = max(contrast(c, background) for c in colours)
        assert best >= 3.0, (background, colours, best)
