"""Shares the security suite's stack harness (tests/security/sec_*.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))

import sec_api  # noqa: E402
import sec_stack  # noqa: E402
