"""A small local stand-in of Twilio's Messages API for the test suite (127.0.0.1 only).

It speaks what the official client needs: POST and GET
/2010-04-01/Accounts/{sid}/Messages.json, Message resource JSON, and error bodies with a
Twilio `code`. Tests script failures: `fail_next("429")`, `fail_next("500-after-create")`,
`permanent[number] = 21211`, or random 429s and 5xx with `random_faults(...)`.
"""

import secrets
from email.utils import format_datetime
from urllib.parse import parse_qs, urlparse

from rollcall import clock
from tests.sms_standin import JsonHandler, SmsStandIn

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


class TwilioHandler(JsonHandler):
    """POST and GET /2010-04-01/Accounts/{sid}/Messages.json."""

    MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if len(raw) < length:  # the sender died mid-request: like Twilio, create nothing
            self.close_connection = True
            return None
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self.standin.requests.append(("POST", form.get("To", "")))
        if self.standin.out_of_service(self):
            return None
        if urlparse(self.path).path != self.MESSAGES_PATH:
            return self._reply(404, {"code": 20404, "message": "not found", "status": 404})
        return self._reply(*self.standin.create(form))

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        self.standin.requests.append(("GET", url.query))
        if self.standin.out_of_service(self):
            return None
        if url.path != self.MESSAGES_PATH:
            return self._reply(404, {"code": 20404, "message": "not found", "status": 404})
        return self._reply(*self.standin.list(parse_qs(url.query)))


class TwilioStandIn(SmsStandIn):
    """Twilio's Messages API; permanent[number] = a Twilio error code for that number."""

    Handler = TwilioHandler

    def __init__(self):
        super().__init__()
        self.permanent: dict[str, int] = {}

    def error_500(self) -> tuple[int, dict]:
        return _error(20500)

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
            fault = self._next_fault()
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
