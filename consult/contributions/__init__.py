"""Contributions: what participants say, online, in the room or on paper."""
