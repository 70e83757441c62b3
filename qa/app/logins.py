"""Who may sign in: users from the command line, a password file or the environment, and a brake on guessing.

Gradio accepts a callable for `auth`; this one compares passwords in constant time and
locks a user name out for a while after repeated failures (the lock-out doubles each
time), so a password cannot be guessed at the speed of the network.
"""

from __future__ import annotations

import hmac
import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from qa.errors import ConfigError

_MAX_TRACKED = 10_000  # user names with recent failures kept in memory; the oldest are dropped beyond this


def read_auth_file(path: Path | str) -> list[tuple[str, str]]:
    """`user:password` lines (blank lines and # comments skipped); errors name the line, never its content."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "不是 UTF-8 文本" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or "无法读取")
        raise ConfigError(f"无法读取密码文件 {path}：{reason}。文件中每行写一个 用户名:密码。") from None
    users = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(f"密码文件 {path} 第 {n} 行应写成 用户名:密码。")
        users.append((user.strip(), password))
    if not users:
        raise ConfigError(f"密码文件 {path} 中没有用户：每行写一个 用户名:密码。")
    return users


def loose_permissions(path: Path | str) -> bool:
    """True when others than the owner may read the password file."""
    if os.name != "posix":
        return False
    return bool(Path(path).stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


@dataclass
class _Failures:
    count: int = 0
    lockouts: int = 0
    locked_until: float = 0.0


class Logins:
    """Gradio's auth callable: right user and password, and not locked out."""

    def __init__(self, users: list[tuple[str, str]], max_failures: int = 5, lockout_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.users = {user: password.encode("utf-8") for user, password in users}
        self.max_failures, self.lockout_s, self.clock = max_failures, lockout_s, clock
        self._failures: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        username, password = str(username or ""), str(password or "")
        with self._lock:
            now = self.clock()
            state = self._failures.get(username)
            if state is not None and state.locked_until > now:
                return False  # even the right password: otherwise guessing just goes on
            expected = self.users.get(username)
            # compare even for unknown users, so timing does not tell which names exist
            ok = hmac.compare_digest(expected or b"\0", password.encode("utf-8")) and expected is not None
            if ok:
                self._failures.pop(username, None)
                return True
            state = self._failures.pop(username, None) or _Failures()
            state.count += 1
            if state.count >= self.max_failures:
                state.locked_until = now + self.lockout_s * 2 ** state.lockouts
                state.lockouts += 1
                state.count = 0
            self._failures[username] = state  # re-inserted: the dict's order is the order of last failure
            while len(self._failures) > _MAX_TRACKED:
                self._failures.pop(next(iter(self._failures)))
            return False

    def locked(self, username: str) -> bool:
        state = self._failures.get(username)
        return state is not None and state.locked_until > self.clock()
