"""A small local stand-in of Twilio's Messages API for the test suite (127.0.0.1 only).

It speaks what the official client needs: POST and GET
/2010-04-01/Accounts/{sid}/Messages.json, Message resource JSON, and error bodies with a
Twilio `code`. Tests script failures: `fail_next("429")`, `fail_next("500-after-create")`,
`permanent[number] = 21211`, or random 429s and 5xx with `random_faults(...)`.
"""

import contextlib
import json
import random
import secrets
import threading
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from rollcall import clock

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "standin-auth-token"  # noqa: S105
FROM_NUMBER = "+15005550006"
ERRORS = {
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
    21211: (400, "The 'To' number is not a valid phone number."),
    21602: (400, "Message body is required."),
    21604: (400, "A 'To' phone number is required."),
    21408: (400, "Permission to send an SMS has not been enabled for the region"),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21614: (400, "'To' number is not a valid mobile number"),
}


class TwilioStandIn:
    def __init__(self):
        self.messages: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.permanent: dict[str, int] = {}
        self._script: list[str] = []
        self._random = None
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
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
        """Queue faults for the next POSTs: '429', '500' (nothing created), '500-after-create'."""
        with self._lock:
            self._script.extend(faults)

    def random_faults(self, rate_429: float, rate_5xx: float, seed: int = 5) -> None:
        self._random = (random.Random(seed), rate_429, rate_5xx)  # noqa: S311

    def sent_to(self, number: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == number]

    def holds(self, row: dict, message: dict) -> bool:
        """The message is this outbox row (Twilio's SID was recorded on it)."""
        return message["sid"] == row["sid"]

    # --- the API -------------------------------------------------------------------------
    def create(self, form: dict) -> tuple[int, dict]:
        to = form.get("To", "")
        if not to:
            return _error(21604)
        if not form.get("Body"):
            return _error(21602)
        with self._lock:
            fault = self._script.pop(0) if self._script else self._random_fault()
            if fault == "429":
                return _error(20429)
            if fault == "500":
                return _error(20500)
            if to in self.permanent:
                return _error(self.permanent[to])
            message = self._message(form)
            self.messages.append(message)
        if fault == "500-after-create":
            return _error(20500)
        return 201, message

    def list(self, query: dict) -> tuple[int, dict]:
        to = query.get("To", [None])[0]
        after = (query.get("DateSent>", [""])[0] or "")[:10]
        with self._lock:
            if self._random_fault() == "429":
                return _error(20429)
            found = [m for m in self.messages
                     if (to is None or m["to"] == to) and m["_date"] >= after]
        return 200, {"messages": found[::-1], "next_page_uri": None, "page": 0,
                     "page_size": 50, "first_page_uri": "", "previous_page_uri": None,
                     "uri": "", "start": 0, "end": len(found)}

    def _random_fault(self):
        if self._random is None:
            return None
        rng, rate_429, rate_5xx = self._random
        roll = rng.random()
        if roll < rate_429:
            return "429"
        if roll < rate_429 + rate_5xx:
            return rng.choice(["500", "500-after-create"])
        return None

    def _message(self, form: dict) -> dict:
        now = clock.now()
        stamp = format_datetime(now, usegmt=True)
        return {
            "sid": "SM" + secrets.token_hex(16), "account_sid": ACCOUNT_SID,
            "to": form.get("To"), "from": form.get("From", FROM_NUMBER),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body"), "status": "queued", "direction": "outbound-api",
            "num_segments": "1", "date_created": stamp, "date_updated": stamp,
            "date_sent": stamp, "error_code": None, "error_message": None,
            "api_version": "2010-04-01", "price": None, "price_unit": "USD",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
            "status_callback": form.get("StatusCallback"),
            "_date": now.date().isoformat(),
        }


def _error(code: int) -> tuple[int, dict]:
    status, message = ERRORS[code]
    return status, {"code": code, "message": message, "more_info":
                    f"https://www.twilio.com/docs/errors/{code}", "status": status}


def _handler(standin: TwilioStandIn):
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if len(raw) < length:  # the sender died mid-request: like Twilio, create nothing
                self.close_connection = True
                return None
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            standin.requests.append(("POST", form.get("To", "")))
            if urlparse(self.path).path != path:
                return self._reply(404, {"code": 20404, "message": "not found", "status": 404})
            return self._reply(*standin.create(form))

        def do_GET(self):  # noqa: N802
            url = urlparse(self.path)
            standin.requests.append(("GET", url.query))
            if url.path != path:
                return self._reply(404, {"code": 20404, "message": "not found", "status": 404})
            return self._reply(*standin.list(parse_qs(url.query)))

        def _reply(self, status, payload):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # A sender killed while waiting: what it would have read is lost with it.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args):  # keep the test output quiet
            pass

    return Handler
