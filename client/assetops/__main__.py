"""``python -m client.assetops`` runs the CLI (same as the ``assetops`` script)."""

from client.assetops.cli import app

if __name__ == "__main__":
    app(prog_name="assetops")
