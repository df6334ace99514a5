"""Tests of the contributors' news digest."""
