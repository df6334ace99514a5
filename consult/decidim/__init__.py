"""Decidim in and out: importing its open-data export, exporting in its shape."""
