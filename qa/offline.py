"""Keeping the process offline: library switches, and a socket guard for everything else.

The guard allows loopback, Unix sockets and the hosts the user configured (an LLM
endpoint, a Chroma server); any other connection attempt fails and is recorded.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlparse

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


class BlockedConnection(ConnectionRefusedError):
    """A connection to a host that is neither loopback nor configured."""


blocked_attempts: list[str] = []
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_allowed_ips: set[str] = set()


def set_offline_env() -> None:
    """Switch libraries that phone home (HF hub, Gradio, Chroma telemetry) to offline mode."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def host_of(url_or_host: str | None) -> str | None:
    """The host part of a URL or bare host name."""
    if not url_or_host:
        return None
    return urlparse(url_or_host).hostname if "//" in url_or_host else url_or_host


def _allowed(address) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = str(address[0])
    try:
        if ipaddress.ip_address(host.split("%")[0]).is_loopback:
            return True
    except ValueError:
        return host in ("localhost",)
    return host in _allowed_ips


def _check(address) -> None:
    if not _allowed(address):
        blocked_attempts.append(repr(address))
        raise BlockedConnection(f"network access blocked (offline): {address!r}")


def _guarded_connect(self, address):
    _check(address)
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    _check(address)
    return _original_connect_ex(self, address)


def install_network_guard(allowed_hosts: list[str | None] = ()) -> None:
    """Refuse every connection but loopback and the given hosts (names or URLs)."""
    for entry in allowed_hosts:
        host = host_of(entry)
        if not host:
            continue
        try:
            _allowed_ips.update(info[4][0] for info in socket.getaddrinfo(host, None))
        except OSError:
            _allowed_ips.add(host)
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
