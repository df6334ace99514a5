"""Who may manage accounts."""


def can_manage_accounts(user) -> bool:
    """Only administrators invite, suspend and restore accounts."""
    return bool(user.is_authenticated and user.role == "admin")
