"""What the local stand-in servers share: serving in a daemon thread, stopping cleanly,
``with`` support and a base URL. A subclass sets ``host``/``port`` and implements ``start``
by building its ``ThreadingHTTPServer`` and calling ``_serve``."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from typing import Any, TypeVar

S = TypeVar("S", bound="BackgroundServer")


class BackgroundServer:
    host: str
    port: int
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self: S) -> S:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _serve(self, httpd: ThreadingHTTPServer, name: str) -> None:
        """Serve ``httpd`` in a daemon thread; ``port`` becomes the port really bound."""
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"{name}:{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self: S) -> S:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8765``."""
        return f"http://{self.host}:{self.port}"
