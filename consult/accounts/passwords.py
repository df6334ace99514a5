"""Password hashing (Argon2id) and the CNIL 2022 strength rule."""

import functools
import math
import secrets
import string

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommended option (Argon2id, 3 passes, 64 MiB, 4 lanes): argon2-cffi's
# default, written out so that a library upgrade cannot weaken it unnoticed.
PARAMETERS = profiles.RFC_9106_LOW_MEMORY

_hasher = PasswordHasher.from_parameters(PARAMETERS)

# CNIL deliberation 2022-100: about 80 bits of entropy without other measures.
# 12 characters drawn from the four kinds (~90 symbols) is the CNIL's own
# example of 80 bits; log2(90) * 12 = 77.9, so the bar is set just below.
MIN_ENTROPY_BITS = 77
MIN_LENGTH = 12
MAX_LENGTH = 256

_CLASSES = (
    (string.ascii_lowercase, 26),
    (string.ascii_uppercase, 26),
    (string.digits, 10),
)


def use_parameters(parameters: Parameters) -> None:
    """Hash new passwords with ``parameters`` from now on (the test suite's cheapest ones).

    A stored hash carries its own parameters: checking it does not depend on this.
    """
    global _hasher  # noqa: PLW0603 - one hasher per process, chosen before any request
    _hasher = PasswordHasher.from_parameters(parameters)
    dummy_hash.cache_clear()


def hash_password(password: str) -> str:
    """Return the Argon2id hash of ``password``."""
    return _hasher.hash(password)


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password, checked when an address has no account.

    Verifying it costs as much as verifying a real password: sign-in takes as
    long for an unknown address as for a known one. Computed once per process.
    """
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``password_hash`` without raising."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def entropy_bits(password: str) -> float:
    """Entropy as the CNIL computes it: length × log2(size of the alphabet used)."""
    alphabet = 0
    for chars, size in _CLASSES:
        if any(c in chars for c in password):
            alphabet += size
    if any(not c.isascii() or c in string.punctuation or c == " " for c in password):
        alphabet += 32
    return len(password) * math.log2(alphabet) if alphabet else 0.0


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Say, in French, why ``password`` is too weak (an empty list when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Le mot de passe ne peut dépasser {MAX_LENGTH} caractères.")
    elif entropy_bits(password) < MIN_ENTROPY_BITS:
        problems.append(
            "Le mot de passe est trop facile à deviner : mélangez minuscules, "
            "majuscules, chiffres et caractères spéciaux, ou allongez-le "
            "(une phrase de plusieurs mots convient)."
        )
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        problems.append("Le mot de passe ne doit pas contenir votre adresse e-mail.")
    return problems
