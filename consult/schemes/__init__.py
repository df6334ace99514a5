"""The scheme (schéma): axes, objectives, themes, fiches actions, territories, publics."""
