"""One student of the burst: log in, start, answer every question with no pause, hand in.

Saves carry the player's ``client_id`` and ``seq``. For ``resaves`` of the questions the
student changes their mind while the first save is still in flight (as a second tab or a
retry after a time-out would), so two saves of one answer race each other; the later
``seq`` must be the one the database keeps.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from app.loadtest.calls import Caller


@dataclass
class Save:
    seq: int
    client_id: str
    item_id: int
    response: Any
    acked: bool = False


@dataclass
class Outcome:
    """What one student did and what the server acknowledged."""

    number: str
    sitting_id: int | None = None
    saves: list[Save] = field(default_factory=list)
    handed_in: bool = False
    handed_in_at: float | None = None


def _choice(item: dict[str, Any], rng: random.Random) -> Any:
    options = [o["id"] for o in item.get("options") or []]
    kind = item.get("response_type")
    if kind == "multiple_choice" and options:
        return rng.sample(options, k=min(2, len(options)))
    if options:
        return rng.choice(options)
    return str(rng.randint(1, 99)) if kind == "numeric" else "because"


async def run_student(caller: Caller, login: dict[str, str], *, assignment_id: int,
                      resaves: int, rng: random.Random) -> Outcome:
    """The student's whole burst; stops early (recorded) if a step finally fails."""
    outcome = Outcome(number=login["student_number"])
    token = await caller.call("log-in", "POST", "/api/v1/auth/student", json=login)
    if token is None or token.status_code != 200:
        return outcome
    caller.headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    started = await caller.call("start", "POST",
                                f"/api/v1/student/assignments/{assignment_id}/start")
    if started is None or started.status_code != 200:
        return outcome
    state = started.json()
    outcome.sitting_id = int(state["sitting_id"])
    await _answer(caller, outcome, state, resaves, rng)
    done = await caller.call("hand-in", "POST", f"/api/v1/sittings/{outcome.sitting_id}/submit")
    if done is not None and done.status_code == 200:
        outcome.handed_in, outcome.handed_in_at = True, time.monotonic()
    return outcome


async def _answer(caller: Caller, outcome: Outcome, state: dict[str, Any], resaves: int,
                  rng: random.Random) -> None:
    seq = int(state.get("last_seq") or 0)
    items = state["items"]
    twice = set(rng.sample(range(len(items)), k=min(resaves, len(items))))
    for index, item in enumerate(items):
        seq += 1
        first = _save(outcome, seq, item, rng)
        if index not in twice:
            await _send(caller, outcome.sitting_id, first)
            continue
        seq += 1
        second = _save(outcome, seq, item, rng)
        await asyncio.gather(_send(caller, outcome.sitting_id, first),
                             _send(caller, outcome.sitting_id, second))


def _save(outcome: Outcome, seq: int, item: dict[str, Any], rng: random.Random) -> Save:
    save = Save(seq=seq, client_id=f"bench-{outcome.number}-{seq}", item_id=int(item["item_id"]),
                response=_choice(item, rng))
    outcome.saves.append(save)
    return save


async def _send(caller: Caller, sitting_id: int | None, save: Save) -> None:
    response = await caller.call("save", "POST", f"/api/v1/sittings/{sitting_id}/answers", json={
        "client_id": save.client_id, "seq": save.seq, "item_id": save.item_id,
        "response": save.response, "time_s": 1.0})
    save.acked = response is not None and response.status_code == 200
