"""Password hashing (argon2), opaque tokens (only SHA-256 digests are stored), access codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Students' passwords are generated (about 24 bits) and guessed online only through the
# throttle; argon2 at OWASP's minimum cost keeps printing a class's cards quick (~0.05 s
# per student instead of ~0.5 s) without making a stolen hash meaningfully easier.
_student_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_DUMMY_HASH: list[str] = []
_DUMMY_STUDENT_HASH: list[str] = []
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Capitals and digits without the look-alikes 0/O, 1/I: easy to read off a whiteboard."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_student_password(password: str) -> str:
    """A student's (normalised) password, hashed at the students' argon2 cost."""
    return _student_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def spend_verification_time(password: str, *, student: bool = False) -> None:
    """Verify against a throwaway hash of the same cost, so unknown accounts answer as
    slowly as known ones."""
    hasher, dummy = ((_student_hasher, _DUMMY_STUDENT_HASH) if student
                     else (_hasher, _DUMMY_HASH))
    if not dummy:
        dummy.append(hasher.hash(new_token()))
    verify_password(dummy[0], password)


def new_token() -> str:
    """A fresh random token, safe to put in a cookie or an Authorization header."""
    return secrets.token_urlsafe(32)


def temporary_password() -> str:
    """A random password a leader can pass on after a reset (about 72 bits)."""
    return secrets.token_urlsafe(9)


def access_code(length: int = 6) -> str:
    """A random class access code such as ``K7QF3M``."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(length))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return hmac.compare_digest(a.encode(), b.encode())
