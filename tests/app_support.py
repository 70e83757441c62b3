"""Helpers for the app tests: a fresh seed index per module and the app served on a free loopback port."""

from __future__ import annotations

import socket
from pathlib import Path

from qa.answer.wiring import ingest_sinks
from qa.ingest import ingest
from qa.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_cache(seed_settings: Settings) -> Path:
    """The embedding cache the session's seed index was built with."""
    return seed_settings.embedder.cache_path or Path(seed_settings.index_dir) / "embeddings.sqlite"


def app_index(index_dir: Path, seed_settings: Settings) -> Settings:
    """The seeds ingested into index_dir; the session's seed embeddings are reused, so this takes seconds.

    The app tests add issues; a module of its own keeps that away from the shared seed index.
    """
    settings = Settings(index_dir=index_dir, seeds_dir=SEEDS, embedder={"cache_path": seed_cache(seed_settings)})
    report = ingest([SEEDS], settings, sinks=ingest_sinks(settings), progress=False, cwd=ROOT)
    assert report.ok and report.passages_embedded == 0, report
    return settings
