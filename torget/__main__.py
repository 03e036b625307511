"""The ``torget`` command: Django's management commands plus Torget's own (serve, demo, …)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "torget.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["torget", *sys.argv[1:]])


if __name__ == "__main__":
    main()
