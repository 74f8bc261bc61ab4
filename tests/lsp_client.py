"""A small synchronous JSON-RPC client for end-to-end language server tests.

It starts the real `supernodec lsp` process in its own process group (so a
test can always kill it and anything it started), reads messages on a thread
and lets a test wait for responses and notifications with a timeout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable


class LspClient:
    def __init__(self, cwd: Path, log: Path) -> None:
        self._log = open(log, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "supernodec", "lsp"], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                     start_new_session=True)
        self._next = 0
        self._cond = threading.Condition()
        self._responses: dict[int, dict] = {}
        self.notifications: list[tuple[float, dict]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # ------------------------------------------------------------ wire
    def _send(self, msg: dict) -> None:
        body = json.dumps(msg).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(out.read(length))
            with self._cond:
                if "id" in msg and "method" not in msg:
                    self._responses[msg["id"]] = msg
                elif "id" in msg:              # a request from the server: answer null
                    self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                else:
                    self.notifications.append((time.perf_counter(), msg))
                self._cond.notify_all()

    # ------------------------------------------------------------ API
    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self._next += 1
        rid = self._next
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self._cond:
            if not self._cond.wait_for(lambda: rid in self._responses, timeout):
                raise TimeoutError(f"no answer to {method} in {timeout} s")
            msg = self._responses.pop(rid)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error']}")
        return msg.get("result")

    def notify(self, method: str, params: Any) -> float:
        """Send a notification; returns the time it was sent."""
        t = time.perf_counter()
        self._send({"jsonrpc": "2.0", "method": method, "params": params})
        return t

    def wait_for(self, pred: Callable[[dict], bool], timeout: float = 60, after: float = 0.0) -> tuple[float, dict]:
        """The first notification received after `after` that satisfies `pred`."""
        def find() -> tuple[float, dict] | None:
            return next(((t, m) for t, m in self.notifications if t >= after and pred(m)), None)
        with self._cond:
            if not self._cond.wait_for(lambda: find() is not None, timeout):
                raise TimeoutError("expected notification did not arrive")
            found = find()
        assert found is not None
        return found

    def diagnostics(self, uri: str, version: int | None = None, after: float = 0.0,
                    timeout: float = 60) -> tuple[float, list[dict]]:
        def pred(m: dict) -> bool:
            p = m.get("params", {})
            return (m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri
                    and (version is None or p.get("version") == version))
        t, m = self.wait_for(pred, timeout, after)
        return t, m["params"]["diagnostics"]

    def close(self) -> None:
        """Shut the server down politely, then make sure its process group is gone."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
                self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - the kill below still runs
            pass
        finally:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
            for f in (self.proc.stdin, self.proc.stdout):
                if f is not None:
                    f.close()
            self._log.close()
