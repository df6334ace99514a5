"""Working groups: list, private space, members, shared syntheses, discussion, validation."""
