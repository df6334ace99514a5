"""Demo data: the Savoie scheme, five territories, meetings and contributions."""
