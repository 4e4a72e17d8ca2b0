"""The Kete web application: API routers, pages and error handling."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.calibration.router import router as calibration_router
from app.errors import install_error_handlers
from app.itembank.router import router as itembank_router
from app.pages import router as pages_router
from app.people.router import router as people_router

DESCRIPTION = """
Kete is an item bank and test builder: every item is calibrated on one IRT scale per subject
(logistic, D = 1; θ in logits), teachers build tests for the unit they are teaching, and
reports answer *What do you see? What next?*.

Authenticate with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`.
Errors always have the shape `{"error": "<Name>", "detail": "<what to do>"}`.
"""


def create_app() -> FastAPI:
    """Build the application (one per process; tests build their own)."""
    app = FastAPI(title="Kete", version="0.1.0", description=DESCRIPTION)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.get("/health", tags=["service"], summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    for router in (people_router, itembank_router, calibration_router, pages_router):
        app.include_router(router)
    return app


app = create_app()
