"""Participant-side code: the `assetops` CLI."""
