"""Decidim import and export."""
