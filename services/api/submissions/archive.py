"""Upload-time check that a file is a single-image ``docker save`` archive
the worker will load: the api and the worker run the very same inspection
(``services.image_archive``), so an upload accepted here is refused later
only for engine-side reasons."""

from __future__ import annotations

from services.image_archive import ArchiveError, ImageFacts, Limits
from services.image_archive import inspect as inspect_archive

ArchiveInfo = ImageFacts

__all__ = ["ArchiveError", "ArchiveInfo", "Limits", "inspect_archive"]
