"""Drive one morning rush over HTTP from its own process: python -m bench.rush_driver PLAN OUT.

PLAN (JSON) names the server (127.0.0.1 only), the mode ("rollcall" or "floor"), the arrival
window in seconds and the teachers; arrivals are spread evenly over the window, each teacher on
its own thread, without pauses between steps. Every request has a timeout and the whole run a
deadline, so the run always ends; OUT (JSON) gets one record per request and the errors.

A Rollcall teacher signs in (GET and POST /login with the form's CSRF token) or, when the plan
carries a remember cookie, starts from Today already signed in; then opens Today, opens and
saves attendance (2 absent, 1 late) and the bag check (1 finding) as checks.js saves from a phone
(a JSON body of the rows changed, with their bases, the CSRF token in X-CSRFToken; Accept:
application/json: the answer is shown in place, and only its `next` is followed),
following each redirect as a phone does. A floor teacher makes the same number of page views and
saves on the floor app.
"""

import http.client
import json
import re
import resource
import sys
import threading
import time
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

TIMEOUT = 30  # seconds, per request
_CHECK_LINK = re.compile(r'href="(/homerooms/\d+/checks/(\d{4}-\d\d-\d\d)/(attendance|bag))"')
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FlowError(Exception):
    """A step did not get what a phone would get; the teacher's morning stops there."""


class FormFields(HTMLParser):
    """What a browser would post from the page's check form: each field's current value, and
    for each select its options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.statuses: list[str] = []  # the status fields (s<id>), in page order
        self._select = None

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "form" and "check-form" in (attr.get("class") or ""):
            self.in_form = True
        if not self.in_form:
            return
        name = attr.get("name")
        if tag == "input" and name:
            self._input(name, attr)
        elif tag == "select" and name:
            self._select = name
            self.options[name] = []
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = attr.get("value") or ""
            self.options[self._select].append(value)
            if "selected" in attr:
                self.fields[self._select] = value

    def _input(self, name: str, attr: dict) -> None:
        kind = attr.get("type", "text")
        if kind == "radio":
            if name not in self.statuses:
                self.statuses.append(name)
            if "checked" in attr:
                self.fields[name] = attr.get("value") or ""
        elif kind != "submit":
            self.fields[name] = attr.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self.in_form = False


class Phone:
    """One teacher's phone: its cookies, and a record of every request it made."""

    def __init__(self, host: str, port: int, records: list, label_prefix: str = ""):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.records = records
        self.prefix = label_prefix

    def request(self, method: str, path: str, label: str, body: dict | None = None,
                accept: str = "text/html", csrf: str | None = None):
        """body: a form, or with csrf (the token checks.js sends in a header), a JSON body."""
        headers = {"User-Agent": "rush-bench", "Accept": accept}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None and csrf is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["X-CSRFToken"] = csrf
        elif body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        started = time.time()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError as error:
            self.records.append({"label": label, "status": 0, "ms": _ms(start), "at": started,
                                 "error": type(error).__name__})
            raise FlowError(f"{label}: {type(error).__name__}") from error
        finally:
            connection.close()
        self.records.append({"label": label, "status": response.status, "ms": _ms(start),
                             "at": started})
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                self.cookies[key.strip()] = cookie.strip()
        return response.status, response.getheader("Location"), text

    def expect(self, method, path, label, status, body=None,
               accept="text/html", csrf=None) -> tuple[str | None, str]:
        got, location, text = self.request(method, path, label, body, accept, csrf)
        if got != status:
            self.records[-1]["error"] = f"status {got}"
            raise FlowError(f"{label}: {got} (wanted {status})")
        return (urlsplit(location).path if location else None), text


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _label(path: str, after_save: bool = False) -> str:
    if path == "/":
        return "GET / (redirect)"
    if path == "/today":
        return "GET /today (redirect)"
    if path.endswith("/today"):
        return "GET Today"
    kind = path.rsplit("/", 1)[-1]
    return f"GET {kind} (next)" if after_save else f"GET {kind}"


def follow(phone: Phone, path: str, after_save: bool = False) -> tuple[str, str]:
    """GET path and every redirect after it, as a browser does; the last page's path and text."""
    for _ in range(5):
        location, text = None, ""
        status, location, text = phone.request("GET", path, _label(path, after_save))
        if status in (301, 302, 303) and location:
            path = urlsplit(location).path
            continue
        if status != 200:
            phone.records[-1]["error"] = f"status {status}"
            raise FlowError(f"GET {path}: {status}")
        return path, text
    raise FlowError(f"too many redirects from {path}")


def save_check_fields(form: FormFields, kind: str) -> dict:
    """The check form's fields as the page gave them, with the teacher's exceptions tapped:
    attendance 2 absent and 1 late, the bag check 1 finding."""
    fields = dict(form.fields)
    if len(form.statuses) < 3:
        raise FlowError(f"{kind}: no check form on the page")
    ids = [name[1:] for name in form.statuses]
    if kind == "attendance":
        fields[f"s{ids[0]}"] = fields[f"s{ids[1]}"] = "absent"
        fields[f"s{ids[2]}"] = "late"
    else:
        sid = ids[-1]  # a student present at attendance (an absent one cannot be searched)
        fields[f"s{sid}"] = "found"
        for name in (f"c{sid}", f"a{sid}"):
            if not fields.get(name):
                fields[name] = next(v for v in form.options[name] if v)
        fields[f"d{sid}"] = "打火机一个"
    return fields


def phone_save_body(form: FormFields, kind: str) -> dict:
    """What checks.js posts: the rows the teacher changed (every field of a changed row, with
    its base), the version and the times of the page's load and of the tap."""
    fields = save_check_fields(form, kind)
    changed = {name[1:] for name, value in fields.items()
               if re.fullmatch(r"[a-z]\d+", name) and value != form.fields.get(name)}
    rows = {sid: {name[0]: value for name, value in fields.items()
                  if re.fullmatch(r"[a-z]\d+", name) and name[1:] == sid} for sid in changed}
    loaded = int(fields.get("loaded_at") or time.time() * 1000)
    return {"version": int(fields["version"]) if fields.get("version") else None,
            "loaded_at": loaded, "tapped_at": loaded + 1000, "rows": rows}


def save_check(phone: Phone, path: str, page: str, kind: str) -> None:
    """Post the check form with the teacher's exceptions as checks.js does; the page shows the
    answer in place, so only a `next` page (the bag check before attendance) is loaded."""
    form = FormFields()
    form.feed(page)
    if "csrf_token" not in form.fields:
        raise FlowError(f"{kind}: no CSRF token in the check form")
    _, text = phone.expect("POST", path, f"POST {kind}", 200, phone_save_body(form, kind),
                           accept="application/json", csrf=form.fields["csrf_token"])
    try:
        answer = json.loads(text)
    except ValueError:
        answer = {}
    if not answer.get("saved") or not (answer.get("next") or answer.get("html")):
        phone.records[-1]["error"] = "not a save's answer"
        raise FlowError(f"POST {kind}: not a save's answer")
    if answer.get("next"):
        follow(phone, urlsplit(answer["next"]).path, after_save=True)


def today_check_links(page: str) -> dict[str, str]:
    """{kind: path} of today's checks on the Today page (it may link yesterday's too)."""
    found = sorted(_CHECK_LINK.findall(page), key=lambda link: link[1])
    return {kind: path for path, _, kind in found}  # the latest day wins


def rollcall_morning(phone: Phone, teacher: dict, password: str) -> None:
    """Sign in (or arrive remembered), Today, attendance, bag check."""
    if teacher.get("remember"):
        phone.cookies["remember_token"] = teacher["remember"]
        path, today = follow(phone, "/today")
    else:
        _, page = phone.expect("GET", "/login", "GET /login", 200)
        token = _CSRF.search(page)
        if token is None:
            raise FlowError("GET /login: no CSRF token")
        location, _ = phone.expect("POST", "/login", "POST /login", 302, {
            "csrf_token": unescape(token.group(1)), "username": teacher["username"],
            "password": password})
        path, today = follow(phone, location or "/")
    if not path.endswith(f"/homerooms/{teacher['homeroom_id']}/today"):
        raise FlowError(f"signed in to {path}")
    links = today_check_links(today)
    for kind in ("attendance", "bag"):
        if kind not in links:
            raise FlowError(f"Today: no link to {kind}")
        _, page = follow(phone, links[kind])
        save_check(phone, links[kind], page, kind)


def floor_morning(phone: Phone, teacher: dict, password: str) -> None:
    """The same page views and saves as a Rollcall morning, on the floor app."""
    path = f"/floor/{teacher['homeroom_id']}"
    for step in ("page", "page", "save", "page", "save"):
        if step == "page":
            phone.expect("GET", path, "floor page", 200)
        else:
            phone.expect("POST", path, "floor save", 204, {"x": "1"})


def run(plan: dict) -> dict:
    """Start each teacher at their arrival time; wait for all or the deadline."""
    base = urlsplit(plan["base"])
    if base.hostname != "127.0.0.1":
        raise SystemExit("the rush is driven against 127.0.0.1 only")
    teachers = plan["teachers"]
    morning = rollcall_morning if plan["mode"] == "rollcall" else floor_morning
    window = float(plan["window"])
    records: list[dict] = []
    errors: list[str] = []
    lock = threading.Lock()
    done = []

    def one(teacher):
        mine: list[dict] = []
        phone = Phone(base.hostname, base.port, mine)
        try:
            morning(phone, teacher, plan.get("password", ""))
            ok = True
        except Exception as error:  # noqa: BLE001 - any failure is the teacher's error
            ok = False
            message = f"{teacher['username']}: {error}"
        with lock:
            records.extend(mine)
            if ok:
                done.append(teacher["username"])
            else:
                errors.append(message)

    threads = []
    start = time.monotonic()
    for n, teacher in enumerate(teachers):
        delay = start + window * n / max(len(teachers), 1) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one, args=(teacher,), daemon=True)
        thread.start()
        threads.append(thread)
    deadline = start + window + float(plan.get("deadline", 180))
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    unfinished = sum(thread.is_alive() for thread in threads)
    with lock:
        if unfinished:
            errors.append(f"{unfinished} teachers unfinished at the deadline")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"mode": plan["mode"], "window": window, "teachers": len(teachers),
                "completed": len(done), "seconds": round(time.monotonic() - start, 2),
                "records": list(records), "errors": list(errors),
                "driver_cpu_s": round(usage.ru_utime + usage.ru_stime, 2)}


def main(argv: list[str]) -> None:
    plan_file, out_file = argv
    with open(plan_file, encoding="utf-8") as source:
        plan = json.load(source)
    result = run(plan)
    with open(out_file, "w", encoding="utf-8") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main(sys.argv[1:])
