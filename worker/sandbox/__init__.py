"""Sandbox runner: image intake, hardened agent containers joined to a
per-submission asset-data sidecar, result collection and the janitor.

Public entry points: ``intake.load_image``, ``runner.run_submission``,
``janitor.cleanup``.
"""
