"""The conseil départemental deliberation that adopted a fiche (SCDL « Délibérations »)."""
