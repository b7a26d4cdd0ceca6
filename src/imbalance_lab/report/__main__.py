"""python -m imbalance_lab.report: the report command (see cli.py)."""

import sys

from imbalance_lab.report.cli import main

sys.exit(main())
