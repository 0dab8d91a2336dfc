"""systemd notifications: READY, the display loop's watchdog heartbeat, STOPPING.

systemd passes ``NOTIFY_SOCKET`` (a unix datagram socket; a leading ``@`` means the
abstract namespace) and, with ``WatchdogSec=`` in the unit, ``WATCHDOG_USEC``. The live loop
calls :meth:`Notifier.alive` after every display flip; a heartbeat (``WATCHDOG=1``) goes out
at most every half watchdog period. If the loop freezes, the heartbeats stop and systemd
kills and restarts the service. Outside systemd (no ``NOTIFY_SOCKET``) every call does nothing.
This is the whole sd_notify datagram protocol: one ``KEY=VALUE`` text line per message.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Callable, Mapping


class Notifier:
    """Send sd_notify messages to ``NOTIFY_SOCKET`` (from ``env``, default ``os.environ``)."""

    def __init__(self, env: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        env = os.environ if env is None else env
        addr = env.get("NOTIFY_SOCKET", "")
        self.address = "\0" + addr[1:] if addr.startswith("@") else addr
        self.clock = clock
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        watchdog_for_us = not pid or pid == str(os.getpid())
        self.interval_s = int(usec) / 2e6 if usec.isdigit() and int(usec) > 0 and watchdog_for_us else 0.0
        self._sock: socket.socket | None = None
        self._last_ping = -1e18
        self.sent = 0
        if self.address:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            # never block the display loop: a unix datagram queue holds only ~10 unread messages
            self._sock.setblocking(False)

    @property
    def enabled(self) -> bool:
        return self._sock is not None

    def notify(self, message: str) -> bool:
        """Send one message (e.g. ``READY=1``); False when not under systemd or the send failed."""
        if self._sock is None:
            return False
        try:
            self._sock.sendto(message.encode(), self.address)
        except OSError:    # systemd gone, or its queue full (BlockingIOError): never stop the portrait
            return False
        self.sent += 1
        return True

    def ready(self, status: str = "") -> None:
        """The portrait is on screen (``Type=notify`` units wait for this)."""
        self.notify("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def alive(self) -> None:
        """Called by the display loop after each flip: a watchdog heartbeat when one is due."""
        if self._sock is None or not self.interval_s:
            return
        now = self.clock()
        if now - self._last_ping >= self.interval_s:
            self._last_ping = now
            self.notify("WATCHDOG=1")

    def stopping(self) -> None:
        self.notify("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
