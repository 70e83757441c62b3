"""Reading issue files from disk: encodings (UTF-8, BOM, GBK/GB18030) and bad input."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from qa.errors import UnreadableIssue

ISSUE_SUFFIXES = (".txt", ".md")


def decode_issue(data: bytes, path: Path | str) -> str:
    """Bytes of an issue file to text; raises UnreadableIssue naming the file when it is not text."""
    if not data.strip():
        raise UnreadableIssue(path, "文件为空（empty file）")
    if b"\x00" in data[:4096]:
        raise UnreadableIssue(path, "不是文本文件（binary data, NUL bytes）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_chinese_text(text):
            return text.replace("\r\n", "\n").replace("\r", "\n")
    raise UnreadableIssue(path, "无法识别的编码或不是中文报纸文本（not UTF-8 or GBK Chinese text）")


def _looks_like_chinese_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return controls == 0 and han >= max(1, len(text.strip()) // 20)


def read_issue(path: Path | str) -> tuple[str, str]:
    """The decoded text of an issue file and the sha256 of its bytes."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableIssue(path, f"无法读取文件：{exc.strerror or exc}") from exc
    return decode_issue(data, path), hashlib.sha256(data).hexdigest()


def find_issue_files(paths: list[Path | str]) -> list[Path]:
    """Issue files named by the user: files as given, folders searched for *.txt/*.md, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ISSUE_SUFFIXES))
        else:
            found.append(p)
    return found


def canonical_source(path: Path | str, cwd: Path | str | None = None) -> str:
    """One name per file: relative to the working directory when inside it, else absolute."""
    base = Path(cwd or os.getcwd()).resolve()
    full = (base / Path(path)).resolve()
    try:
        return full.relative_to(base).as_posix()
    except ValueError:
        return full.as_posix()
