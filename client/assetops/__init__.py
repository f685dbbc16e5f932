"""The `assetops` participant CLI: talks to an AssetOps Arena server over HTTP
only (``validate`` is the one command that runs locally, reusing the server's
runner and evaluator)."""

__version__ = "0.1.0"
