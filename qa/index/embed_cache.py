"""Passage embeddings cached by (embedder id, text hash) in SQLite, so unchanged text is never embedded twice.

A changed issue usually keeps most of its articles; a rebuilt index keeps all of them.

A file of its own (`embeddings.sqlite`), not a table of the archive database (qa.archive_db): it is a
cache, not archive data. Deleting it loses nothing but embedding time, a rebuild of the index must
not empty it, and several index directories (the eval's splits, the benches) share one.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    embedder TEXT NOT NULL,
    text_sha TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (embedder, text_sha)
) WITHOUT ROWID
"""


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A SQLite file of float32 vectors; several index directories may share one."""

    def __init__(self, path: Path | str):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def get_many(self, embedder: str, texts: list[str]) -> list[np.ndarray | None]:
        """Cached vectors in the order of texts; None where the text was never embedded."""
        shas = [text_sha(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(shas), 500):
            part = shas[start : start + 500]
            rows = self._db.execute(
                f"SELECT text_sha, vector FROM embeddings WHERE embedder = ? AND text_sha IN ({','.join('?' * len(part))})",
                [embedder, *part],
            )
            found.update((sha, np.frombuffer(blob, dtype=np.float32)) for sha, blob in rows)
        return [found.get(sha) for sha in shas]

    def put_many(self, embedder: str, texts: list[str], vectors: np.ndarray) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings (embedder, text_sha, vector) VALUES (?, ?, ?)",
            [(embedder, text_sha(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()
