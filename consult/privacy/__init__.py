"""Privacy (RGPD): participants' rights of access and erasure, and retention."""
