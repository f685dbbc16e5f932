"""Sandbox runner: image intake, hardened agent containers joined to a
per-submission asset-data sidecar, result collection and the janitor.

Public entry point: ``environment.SandboxEnvironment`` (``DockerSandbox``),
with its event records in ``events``; ``intake``, ``runner`` and ``janitor``
are its implementation and are not imported from outside this package.
"""
