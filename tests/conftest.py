"""Test set-up: offline everywhere, and any non-loopback connection fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import offline

offline.set_offline_env()
offline.install_network_guard()

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _no_network_attempts():
    before = len(offline.blocked_attempts)
    yield
    attempts = offline.blocked_attempts[before:]
    assert not attempts, f"the test tried to reach the network: {attempts}"


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_issues(seed_files):
    from qa.corpus import parse_file

    return {p.stem: parse_file(p) for p in seed_files}
