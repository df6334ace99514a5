"""Moderation: publish, reject, edit, mask personal data, merge duplicates, reports, audit."""
