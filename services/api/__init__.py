"""The AssetOps Arena HTTP api (FastAPI). App: ``services.api.main:app``."""
