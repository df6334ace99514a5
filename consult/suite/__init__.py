"""The public droit de suite: what was said in each meeting and theme, what was done with it."""
