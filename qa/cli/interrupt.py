"""Ctrl+C during a long ingest: the first press stops it between two batches, a second one at once.

Either way the index stays consistent (finished issues kept, the one being written taken back
or left for the next run to redo); the first way also brings BM25 up to date, so what was
finished can be asked about right away.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

import click

STOPPING = "\n正在停止：当前这一批写完就停（几秒内）。再按一次 Ctrl+C 立即退出，下次导入同样会接着做。"


@contextmanager
def stop_on_ctrl_c() -> Iterator[Callable[[], bool]]:
    """A `cancel` callable for ingest that turns true on the first Ctrl+C; the second raises KeyboardInterrupt."""
    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield asked.is_set  # signals reach the main thread only: nothing to install
        return

    def on_sigint(signum, frame):
        if asked.is_set():
            raise KeyboardInterrupt
        asked.set()
        click.echo(STOPPING, err=True)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGINT, previous)
