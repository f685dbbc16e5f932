"""Print the project's runtime requirements (pyproject [project].dependencies), one a line.

Used by the wheelhouse script on the host and by the Dockerfile inside the
build, so both resolve exactly the same list against requirements.lock.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

pyproject = Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")
for requirement in tomllib.loads(pyproject.read_text())["project"]["dependencies"]:
    print(requirement)
