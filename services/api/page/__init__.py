"""Server-rendered leaderboard page (``/``), included by services.api.main.

``router`` serves the page, its HTML fragments and static assets; data comes
from the api's own JSON endpoints (see ``data.py``).
"""

from services.api.page.router import router

__all__ = ["router"]
