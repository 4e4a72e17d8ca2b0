"""The Kete web application: API routers, pages and error handling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from app import openapi, overload
from app.assembly.pages import router as assembly_pages
from app.assembly.router import router as assembly_router
from app.calibration.field_trial_router import router as field_trial_router
from app.calibration.norms_router import pages as norms_pages
from app.calibration.norms_router import router as norms_router
from app.calibration.pages import router as calibration_pages
from app.calibration.router import router as calibration_router
from app.calibration.runs_router import router as runs_router
from app.config import get_settings
from app.db import StepRoute
from app.delivery.marking_pages import router as marking_pages
from app.delivery.pages import router as delivery_pages
from app.delivery.paper_pages import router as paper_pages
from app.delivery.paper_router import router as paper_router
from app.delivery.router import router as delivery_router
from app.errors import install_error_handlers
from app.guard import RequestGuard, integer_params
from app.headers import SecurityHeaders
from app.impact.cycle_pages import router as cycle_pages
from app.impact.pages import router as impact_pages
from app.impact.router import router as impact_router
from app.impact.student_pages import router as impact_student_pages
from app.itembank.router import router as itembank_router
from app.pages import router as pages_router
from app.people.policy import require
from app.people.router import router as people_router
from app.reports.pages import router as report_pages

STATIC = Path(__file__).parent / "static"
DESCRIPTION = """
Kete is an item bank and test builder: every item is calibrated on one IRT scale per subject
(logistic, D = 1; θ in logits), teachers build tests for the unit they are teaching, and
reports answer *What do you see? What next?*.

Authenticate with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`.
Errors always have the shape `{"error": "<Name>", "detail": "<what to do>", "problems": [...]}`
(`problems` when there are several, at most 100). Request bodies have size limits (413).
"""


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Size the handler thread pool; on the embedded default, run background jobs in this
    process too, resuming interrupted runs."""
    settings = get_settings()
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
    consumer = None
    if settings.inprocess_worker:
        from app.calibration.jobs import recover_interrupted
        from app.jobs import start_embedded_worker

        consumer = start_embedded_worker(workers=settings.job_threads)
        recover_interrupted()
    yield
    if consumer is not None:
        consumer.stop(graceful=True)


def create_app() -> FastAPI:
    """Build the application (one per process; tests build their own)."""
    settings = get_settings()
    app = FastAPI(title="Kete", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, dependencies=[Depends(integer_params)])
    app.router.route_class = StepRoute
    install_error_handlers(app)
    app.add_middleware(RequestGuard)
    overload.install(app, limit=settings.threads, max_wait=settings.request_wait)
    app.add_middleware(SecurityHeaders)
    openapi.install(app)
    openapi.add_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health", tags=["service"], summary="Liveness check",
             dependencies=[require("public")])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", include_in_schema=False, dependencies=[require("public")])
    def favicon() -> FileResponse:
        """Browsers ask for it whatever the pages link: Kete's icon, not a 404."""
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    for router in (people_router, itembank_router, calibration_router, runs_router,
                   field_trial_router, assembly_router, pages_router, calibration_pages,
                   assembly_pages, delivery_router, delivery_pages, marking_pages, report_pages,
                   paper_router, paper_pages, norms_router, norms_pages, impact_router,
                   impact_pages, cycle_pages, impact_student_pages):
        app.include_router(router)
    return app


app = create_app()
