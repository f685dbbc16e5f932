"""AssetOps Arena evaluator: pure scoring, failure extraction, clustering and
aggregation. No I/O: inputs are pydantic models, outputs are pydantic models.
"""
