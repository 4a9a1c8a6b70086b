"""Shared by the Python tests: the services' hand-written models (copied from ../shared/seed) and the
files the Vitest runner (python-package.test.ts) exchanges with this run."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fixtures" / "python-seed"))
