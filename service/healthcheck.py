"""Container health probe: `python -m service.healthcheck` exits 0 when /health answers 200."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def healthy(port: int, timeout: float = 5.0) -> bool:
    """True when the local server's /health answers 200."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=timeout) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):  # refused, 503 (HTTPError) or timed out
        return False


def main() -> int:
    """Probe the port gunicorn binds (PORT, default 8000)."""
    return 0 if healthy(int(os.environ.get("PORT", "8000"))) else 1


if __name__ == "__main__":
    sys.exit(main())
