#!/usr/bin/env python3
"""Entry script: ``python build.py [build|serve|new|check] ...``. See README.md."""
import sys

# Python keeps handbill's compiled modules in handbill/__pycache__/ (git-ignored), as pip keeps those
# of an installed package, even where PYTHONDONTWRITEBYTECODE is set (many Docker images set it):
# otherwise every run would compile handbill's 50 modules again, a tenth of a 1000-story build.
sys.dont_write_bytecode = False

from handbill.cli import run  # noqa: E402 - after the setting above, which applies to the imports

if __name__ == "__main__":
    run()
