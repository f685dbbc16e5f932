"""The contract between the api and the worker: the Celery queue and task
names, the task payloads, and the one Celery configuration both build their
app from (the api to send, the worker to consume).

Both sides import this package; neither imports the other (a test parses the
imports of ``services/api`` and ``worker`` and fails if they meet). Logging
setup, the other thing both share, is ``services.logs``.
"""
