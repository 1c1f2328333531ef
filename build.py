#!/usr/bin/env python3
"""Entry script: ``python build.py [build|serve|new|check] ...``. See README.md."""
import sys

from handbill.cli import main

if __name__ == "__main__":
    sys.exit(main())
