"""Who may change schemes."""

from consult.core.security import is_admin


def can_import_scheme(user) -> bool:
    """Only administrators import schemes and rename their levels."""
    return is_admin(user)
