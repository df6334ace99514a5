"""Accounts: people, organisations, roles, sign-in, invitations and passwords."""
