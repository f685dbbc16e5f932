"""Persistence shared by the api and the worker: SQLAlchemy 2 models,
engine/session helpers and the queries both sides need.

Postgres is the source of truth for the submission lifecycle. Nothing
per-scenario is ever stored here (no answers, traces, tool logs, agent logs
or scenario text): only team/phase/submission metadata, aggregated scores and
failure-cluster counts.
"""
