"""The Chroma side of the index: embedded PersistentClient in the index directory, or a `chroma run` server.

Chroma never embeds anything itself (no embedding function: it would fetch its ONNX
model); the collection's metadata records the embedder that built it.
"""

from __future__ import annotations

from pathlib import Path

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaConfig
from chromadb.errors import NotFoundError
from llama_index.vector_stores.chroma import ChromaVectorStore

from qa.errors import ConfigError, IndexMismatch, IndexMissing
from qa.index.embed import EmbedderIdentity
from qa.settings import Settings

CHROMA_DIR = "chroma"


def chroma_client(settings: Settings) -> ClientAPI:
    """An HttpClient when settings.chroma.mode is "server", else a PersistentClient in index_dir/chroma."""
    config = ChromaConfig(anonymized_telemetry=False)
    if settings.chroma.mode == "server":
        try:
            client = chromadb.HttpClient(host=settings.chroma.host, port=settings.chroma.port, settings=config)
            client.heartbeat()
        except Exception as exc:  # chromadb raises bare ValueError/httpx errors for an unreachable server
            raise ConfigError(
                f"无法连接 Chroma 服务器 {settings.chroma.host}:{settings.chroma.port}（{exc}）。"
                f"请先启动：chroma run --path <目录> --host {settings.chroma.host} --port {settings.chroma.port}"
            ) from exc
        return client
    path = Path(settings.index_dir) / CHROMA_DIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=config)


def check_embedder(recorded: EmbedderIdentity | None, current: EmbedderIdentity) -> None:
    """Refuse to mix vectors of two embedders; the message says how to fix it."""
    if recorded is None or recorded == current:
        return
    raise IndexMismatch(
        f"索引由嵌入模型 {recorded.describe()} 构建，当前配置的是 {current.describe()}，两者的向量不能混用。"
        f"请用当前模型重新导入：qa ingest --rebuild；或把嵌入模型设置改回 {recorded.id}。"
    )


def _recorded(collection: Collection) -> EmbedderIdentity | None:
    meta = collection.metadata or {}
    if "embedder" not in meta:
        return None
    return EmbedderIdentity(str(meta["embedder"]), int(meta["dim"]))


def open_collection(client: ClientAPI, name: str, identity: EmbedderIdentity, create: bool) -> Collection:
    """The archive's collection, checked against the embedder; created when asked to."""
    try:
        collection = client.get_collection(name, embedding_function=None)
    except NotFoundError:
        if not create:
            raise IndexMissing(f"向量库中没有集合 {name}：请先运行 qa ingest 导入报纸。") from None
        return client.create_collection(
            name,
            metadata={"embedder": identity.id, "dim": identity.dim},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
    check_embedder(_recorded(collection), identity)
    return collection


def drop_collection(client: ClientAPI, name: str) -> None:
    """Delete the collection if it exists (a rebuild)."""
    try:
        client.delete_collection(name)
    except NotFoundError:
        pass


def vector_store(collection: Collection) -> ChromaVectorStore:
    return ChromaVectorStore(chroma_collection=collection)


def delete_source(collection: Collection, source: str) -> None:
    """Remove every chunk of one source file."""
    collection.delete(where={"source": source})
