"""`python -m config.web`: the web process alone, exactly as `make run` starts it (HOST, PORT, WEB_SERVER).

For production and containers, so the server's flags live in one place (config/run.py's `web_argv`).
"""

from __future__ import annotations

import os
import sys

from config.run import web_argv


def main() -> int:
    try:
        argv = web_argv(os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000"))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    os.execv(argv[0], argv)  # the server becomes this process: signals and exit codes are its own


if __name__ == "__main__":
    sys.exit(main())
