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


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory):
    """Settings of an index built once per session from the five seeds (vectors, BM25, catalog, meetings)."""
    from qa.answer.wiring import ingest_sinks
    from qa.ingest import ingest
    from qa.settings import Settings

    from index_support import shared_cache  # the index tests' cache: each seed passage is embedded once

    settings = Settings(
        index_dir=tmp_path_factory.mktemp("seed_index"),
        seeds_dir=SEEDS,
        embedder={"cache_path": shared_cache(tmp_path_factory)},
    )
    report = ingest([SEEDS], settings, sinks=ingest_sinks(settings), progress=False)
    assert report.ok, report.failures
    return settings


@pytest.fixture(scope="session")
def engine(seed_settings):
    """The answer engine on the seed index with the embedded defaults (local Gemma loads only if used)."""
    from qa.answer.wiring import build_engine

    return build_engine(seed_settings)
