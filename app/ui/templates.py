"""The one Jinja set-up for pages, reports and printed papers.

Shared templates (``base.html``, the site's pages) live in ``app/templates`` and are named
plainly; a domain's own templates live beside it in ``app/<domain>/templates`` and are named
with the domain as a prefix (``reports/class.html``), so two domains never shadow each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from starlette.background import BackgroundTask
from starlette.templating import _TemplateResponse

from app.ui import flash

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


class PageTemplates(Jinja2Templates):
    """Jinja2Templates that hand each page the one-time message waiting for it (``flash``,
    shown by ``_flash.html``) and clear it, so it shows once (see :mod:`app.ui.flash`)."""

    def TemplateResponse(
            self, request: Request, name: str, context: dict[str, Any] | None = None,
            status_code: int = 200, headers: Mapping[str, str] | None = None,
            media_type: str | None = None, background: BackgroundTask | None = None,
    ) -> _TemplateResponse:
        sealed = request.cookies.get(flash.COOKIE)
        context = {"flash": flash.unseal(sealed) if sealed else None, **(context or {})}
        response = super().TemplateResponse(request, name, context, status_code, headers,
                                             media_type, background)
        if sealed is not None:
            flash.forget(response)
        return response


templates = PageTemplates(env=environment())
"""For page routes: ``templates.TemplateResponse(request, "home.html", {...})``."""


def render(template: str, **context: Any) -> str:
    """Render a template to a string (reports and papers; ``pdf=True`` marks print versions)."""
    context.setdefault("pdf", False)
    return environment().get_template(template).render(**context)
