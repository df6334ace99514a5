"""The public read API, the partner write API and their OpenAPI description."""
