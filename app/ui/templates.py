"""The one Jinja set-up for pages, reports and printed papers.

Shared templates (``base.html``, the site's pages) live in ``app/templates`` and are named
plainly; a domain's own templates live beside it in ``app/<domain>/templates`` and are named
with the domain as a prefix (``reports/class.html``), so two domains never shadow each other.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

APP = Path(__file__).resolve().parents[1]
SHARED = APP / "templates"


def _domain_folders() -> dict[str, FileSystemLoader]:
    return {folder.parent.name: FileSystemLoader(folder)
            for folder in sorted(APP.glob("*/templates")) if folder.is_dir()}


def signed(value: float, digits: int = 1) -> str:
    """``value`` with its sign and ``digits`` decimals, never a negative (or signed) zero:
    a shift that rounds to nothing reads as ``0.000``, not ``-0.000``."""
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


@cache
def environment() -> Environment:
    """Shared templates by plain name, each domain's by ``<domain>/<name>``."""
    loader = ChoiceLoader([FileSystemLoader(SHARED), PrefixLoader(_domain_folders())])
    env = Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["signed"] = signed
    return env


templates = Jinja2Templates(env=environment())
"""For page routes: ``templates.TemplateResponse(request, "home.html", {...})``."""


def render(template: str, **context: Any) -> str:
    """Render a template to a string (reports and papers; ``pdf=True`` marks print versions)."""
    context.setdefault("pdf", False)
    return environment().get_template(template).render(**context)
