"""Who may change schemes."""


def can_import_scheme(user) -> bool:
    """Only administrators import schemes and rename their levels."""
    return bool(user.is_authenticated and user.role == "admin")
