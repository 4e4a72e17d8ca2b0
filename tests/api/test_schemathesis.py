"""schemathesis over the whole API, for every role: no server errors, every response as the
OpenAPI says (status codes, content types, bodies). A fixed budget: a deterministic seed,
:data:`EXAMPLES` valid and :data:`NEGATIVE_EXAMPLES` invalid requests per operation, each sent
as every role."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from sqlalchemy.orm import Session

from app.db import get_session, utcnow
from app.delivery import sittings
from app.delivery.schemas import AssignmentCreate
from app.main import create_app
from app.people import policy
from app.people.dependencies import Caller
from tests.delivery import builders as delivery
from tests.people import builders

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("KETE_SCHEMATHESIS_EXAMPLES", "3"))
NEGATIVE_EXAMPLES = max(1, EXAMPLES * 2 // 3)
"""More for a longer hunt: ``KETE_SCHEMATHESIS_EXAMPLES=25 pytest tests/api -s``."""
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]
ROLES = ("anonymous", *policy.STAFF_ROLES, "student")


@pytest.fixture
def world(session: Session) -> dict[str, dict[str, str]]:
    """A school with a calibrated bank, a class, an assigned test and one sitting; a bearer
    header for every role."""
    delivery.bank(session)
    a = builders.tenant(session, "FUZZ")
    form = delivery.form(session, staff=a.teacher, codes=delivery.codes(5))
    now = utcnow()
    given_test = sittings.assign(session, caller=Caller.of_staff(a.teacher), data=AssignmentCreate(
        form_id=form.id, class_id=a.room.id, opens_at=now, closes_at=now + timedelta(days=1)))
    sittings.start(session, student=a.students[0], assignment_id=given_test.id)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in policy.STAFF_ROLES:
        member = {"leader": a.leader, "teacher": a.teacher}.get(role) or builders.staff(
            session, role)
        headers[role] = builders.bearer(session, member)
    headers["student"] = builders.student_bearer(session, a.students[0])
    return headers


@pytest.fixture
def app(session: Session) -> Iterator[FastAPI]:
    app = create_app()

    def request_session() -> Iterator[Session]:
        nested = session.begin_nested()
        try:
            yield session
            if nested.is_active:
                nested.commit()
        except BaseException:
            if nested.is_active:
                nested.rollback()
            raise

    app.dependency_overrides[get_session] = request_session
    yield app


def _operations(app: FastAPI) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # revoking a token would end the log-in every later request is made with
    return [op for result in schema.get_all_operations() if (op := result.ok()) is not None
            and (op.method.upper(), op.path) != ("DELETE", "/api/v1/auth/token")]


CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_the_api_answers_every_role_as_documented(app: FastAPI, world: dict[str, dict[str, str]],
                                                  chunk: int) -> None:
    """Each generated request is sent once as every role (generation is the costly part)."""
    failures: list[str] = []
    calls = [0]
    with asgi.get_client(app) as client:  # one in-process client for the whole run
        for operation in _operations(app)[chunk::CHUNKS]:
            for mode, examples in ((GenerationMode.POSITIVE, EXAMPLES),
                                   (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
                failures += _run(operation, mode, examples, world, client, calls)
    print(f"schemathesis chunk {chunk}: {calls[0]} requests, {len(failures)} failures")
    assert failures == []


def _run(operation: schemathesis.APIOperation, mode: GenerationMode, examples: int,
         world: dict[str, dict[str, str]], client: object, calls: list[int]) -> list[str]:
    found: list[str] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        for role in ROLES:
            calls[0] += 1
            response = case.call(session=client, headers={**(case.headers or {}),
                                                          **world[role]})
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # every failure is collected
                found.append(f"{operation.label} as {role} [{mode.value}] "
                             f"{response.status_code}: {_reason(exc)}")

    with contextlib.suppress(Unsatisfiable):  # nothing about it can be made invalid
        run()
    return found[:3]


def _reason(exc: BaseException) -> str:
    inner = exc.exceptions[0] if isinstance(exc, BaseExceptionGroup) else exc
    return " ".join(str(inner).split())[:300]
