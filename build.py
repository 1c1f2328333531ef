#!/usr/bin/env python3
"""Entry script: ``python build.py [build|serve|new|check] ...``. See README.md."""
from handbill.cli import run

if __name__ == "__main__":
    run()
