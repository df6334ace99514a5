"""The audit trail of contributions, below the domains that write to it."""
