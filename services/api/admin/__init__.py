"""Operator endpoints and the bootstrap CLI (``python -m services.api.admin``)."""
