"""Working groups: their members and private space, fiches drafted from syntheses, decisions."""
