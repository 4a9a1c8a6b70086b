"""The package under test is the wheel installed in this run's virtualenv, not generated/python."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import trading_platform_events as events


def test_the_package_comes_from_the_installed_wheel() -> None:
    assert Path(events.__file__).is_relative_to(Path(sys.prefix))
    assert version("trading-platform-events") == events.__version__ == events.CONTRACT_VERSION


def test_it_is_typed() -> None:
    assert (Path(events.__file__).parent / "py.typed").is_file()
