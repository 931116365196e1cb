"""What the local stand-ins of the SMS providers' APIs share (127.0.0.1 only).

A stand-in is a real HTTP server on a free port that the provider's official SDK talks to; this
base runs it, records what arrived and plays the faults tests script for the next sends:
`fail_next("429", "500", "500-after-create", ...)`, or random ones with `random_faults(...)`.
Each provider's module keeps only its API's shape: its paths, its bodies, its error codes.
"""

import contextlib
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    """Answers with JSON; a provider's handler adds its do_POST/do_GET on `self.standin`."""

    standin = None  # the SmsStandIn this server answers for
    content_type = "application/json"
    ensure_ascii = True

    def _reply(self, status, payload):
        body = json.dumps(payload, ensure_ascii=self.ensure_ascii).encode()
        self.send_response(status)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # A sender killed while waiting: what it would have read is lost with it.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


class SmsStandIn:
    """The server's lifecycle, what was sent and asked, and the fault script."""

    Handler = JsonHandler
    # The 5xx faults a random fault picks from (a provider may lose replies too).
    RANDOM_5XX = ("500", "500-after-create")

    def __init__(self):
        self.messages: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self._script: list[str] = []
        self._random = None
        self.outage: str | None = None  # see fail_all
        self.hang_seconds = 2.0
        self._lock = threading.Lock()
        handler = type("Handler", (self.Handler,), {"standin": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, *faults: str) -> None:
        """Queue faults for the next sends: '429', '500' (nothing created),
        '500-after-create', and what else the provider's stand-in knows."""
        with self._lock:
            self._script.extend(faults)

    def fail_all(self, fault: str | None) -> None:
        """Until fail_all(None), every request (sends and lookups) fails: "500" answers an
        error and creates nothing, "timeout" holds the request hang_seconds (longer than the
        client waits) and creates nothing."""
        self.outage = fault

    def out_of_service(self, handler) -> bool:
        """Answer the request as the outage does (True), or let it through (False)."""
        if self.outage == "timeout":
            time.sleep(self.hang_seconds)
            handler._reply(504, {"message": "gateway timeout", "status": 504})
            return True
        if self.outage == "500":
            handler._reply(*self.error_500())
            return True
        return False

    def error_500(self) -> tuple[int, dict]:
        return 500, {"message": "internal server error", "status": 500}

    def random_faults(self, rate_429: float, rate_5xx: float, seed: int = 5) -> None:
        """From now on each send may be refused for the rate, or fail with a 5xx (RANDOM_5XX)."""
        self._random = (random.Random(seed), rate_429, rate_5xx)  # noqa: S311

    def sent_to(self, number: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == number]

    def _next_fault(self):
        """The fault for this send: the next scripted one, else maybe a random one.
        Called with the lock held."""
        return self._script.pop(0) if self._script else self._random_fault()

    def _random_fault(self):
        if self._random is None:
            return None
        rng, rate_429, rate_5xx = self._random
        roll = rng.random()
        if roll < rate_429:
            return "429"
        if roll < rate_429 + rate_5xx:
            return rng.choice(self.RANDOM_5XX)
        return None
