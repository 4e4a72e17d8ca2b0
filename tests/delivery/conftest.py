"""Delivery tests: cheap password hashing, as in the people tests."""

from __future__ import annotations

from tests.people.conftest import cheap_hashing

__all__ = ["cheap_hashing"]
