"""Public, versioned data shapes shared by the runner, the evaluator, the
asset-data service and the scenarios. Pure pydantic, no I/O.

Changing a shape here is a contract change: bump CONTRACT_VERSION and update
docs/agent-contract.md.
"""

CONTRACT_VERSION = "1.0"
