"""A small local stand-in of Alibaba Cloud's SMS API (Dysmsapi 2017-05-25), 127.0.0.1 only.

It answers what the official SDK (`alibabacloud-dysmsapi20170525`) sends: an RPC-style POST to
`/` with the action in `x-acs-action` and the parameters in the query string, signed with an
`Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,...` header. SendSms renders the
registered template like the real service (signature 【…】 first, `${name}` filled from
TemplateParam) and answers `{"Code": "OK", "BizId": ...}`; refusals are HTTP 200 with another
Code, as Aliyun does. QuerySendDetails lists a phone's texts of a day with their OutId.

Tests script faults for the next SendSms: `fail_next("500")` (nothing created),
`fail_next("500-after-create")`, `fail_next("lost-reply")` (created, the connection is cut
before the answer), `fail_next("429")` (isv.BUSINESS_LIMIT_CONTROL); `permanent[number] =
"isv.MOBILE_NUMBER_ILLEGAL"`; `refuse_all = "isv.AMOUNT_NOT_ENOUGH"`; `failing_queries = n`
(the next QuerySendDetails answer 500); `deliver(...)` (the carrier's report).
"""

import json
import re
import secrets
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from rollcall import clock
from tests.sms_standin import JsonHandler, SmsStandIn

ACCESS_KEY_ID = "LTAIstandin0000"
ACCESS_KEY_SECRET = "standin-secret"  # noqa: S105
SIGN_NAME = "测试中学"
TEMPLATES = {
    "SMS_900001": "家长您好：${student}（${class}）${date}未到校，请尽快与班主任联系。"
                  "学校电话：${school_phone}",
    "SMS_900002": "${student}（${class}）已于${time}到校，请放心。",
    "SMS_900003": "${class}今天的考勤尚未提交，请打开${page}填写。",
    "SMS_900004": "学生失联：${student}（${class}），${trigger}，${time}立案，请立即跟进。",
    "SMS_900005": "${class}${week}起这一周的学生矛盾排查尚未填写，请尽快填写。",
    "SMS_900006": "这是发给值班电话的测试短信，无需处理。",
    "SMS_900007": "家长您好：${student}（${class}）${date}早上已到校，晨读后离开，第一节课不在班，"
                  "请尽快与班主任联系。学校电话：${school_phone}",
}
TEMPLATE_CODES = {"absence": "SMS_900001", "follow_up": "SMS_900002",
                  "teacher_reminder": "SMS_900003", "missing_student": "SMS_900004",
                  "screening_reminder": "SMS_900005", "test_text": "SMS_900006",
                  "left_after_bag": "SMS_900007"}
MESSAGES = {
    "isv.BUSINESS_LIMIT_CONTROL": "触发号码天级流控Permits:10",
    "isv.MOBILE_NUMBER_ILLEGAL": "非法手机号",
    "isv.AMOUNT_NOT_ENOUGH": "账户余额不足",
    "isv.SMS_TEMPLATE_ILLEGAL": "该账号下找不到对应模板",
    "isv.SMS_SIGNATURE_ILLEGAL": "该账号下找不到对应签名",
}


class AliyunHandler(JsonHandler):
    """RPC-style POST / with the action in x-acs-action, signed with the stand-in's key."""

    content_type = "application/json;charset=utf-8"
    ensure_ascii = False

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", 0) or 0)
        if length:
            self.rfile.read(length)
        path, _, raw_query = self.path.partition("?")
        query = {k: v[0] for k, v in parse_qs(raw_query).items()}
        action = self.headers.get("x-acs-action") or query.get("Action", "")
        self.standin.requests.append(
            (action, query.get("PhoneNumbers") or query.get("PhoneNumber", "")))
        if f"Credential={ACCESS_KEY_ID}" not in (self.headers.get("Authorization") or ""):
            return self._reply(403, {"Code": "InvalidAccessKeyId.NotFound",
                                     "Message": "Specified access key is not found."})
        if path != "/" or self.headers.get("x-acs-version") != "2017-05-25":
            return self._reply(404, {"Code": "InvalidAction.NotFound",
                                     "Message": "Specified api is not found."})
        if action == "SendSms":
            status, payload, fault = self.standin.send_sms(query)
            if fault == "lost-reply":  # accepted, but the answer never arrives
                self.close_connection = True
                return None
            return self._reply(status, payload)
        if action == "QuerySendDetails":
            return self._reply(*self.standin.answer_query(query))
        return self._reply(404, {"Code": "InvalidAction.NotFound", "Message": action})


class AliyunStandIn(SmsStandIn):
    """Dysmsapi's SendSms and QuerySendDetails; requests hold (action, phone)."""

    Handler = AliyunHandler
    RANDOM_5XX = ("500", "500-after-create", "lost-reply")

    def __init__(self):
        super().__init__()
        self.permanent: dict[str, str] = {}  # 11-digit number → error code
        self.refuse_all: str | None = None
        self.failing_queries = 0  # the next QuerySendDetails calls answer 500

    @property
    def endpoint(self) -> str:
        return self.base_url

    def holds(self, row: dict, message: dict) -> bool:
        """The message is this outbox row (OutId carries the row's id)."""
        return message["out_id"] == str(row["id"])

    def deliver(self, sid: str, ok: bool = True, error: str = "DELIVERED") -> None:
        """The carrier's report arrives: SendStatus 3 (received) or 2 (failed, ErrCode)."""
        for message in self.messages:
            if message["sid"] == sid:
                message["send_status"] = 3 if ok else 2
                message["err_code"] = "DELIVERED" if ok else error

    # --- the API -------------------------------------------------------------------------
    def send_sms(self, query: dict) -> tuple[int, dict, str | None]:
        phone = query.get("PhoneNumbers", "")
        code, sign = query.get("TemplateCode", ""), query.get("SignName", "")
        try:
            params = json.loads(query.get("TemplateParam") or "{}")
        except ValueError:
            return 200, _refusal("isv.INVALID_JSON_PARAM", "JSON参数不合法"), None
        with self._lock:
            fault = self._next_fault()
            if fault == "500":
                return 500, {"Code": "ServiceUnavailable", "Message": "服务不可用",
                             "RequestId": _request_id()}, None
            if fault == "429":
                return 200, _refusal("isv.BUSINESS_LIMIT_CONTROL"), None
            if not re.fullmatch(r"\d{6,15}", phone):
                return 200, _refusal("isv.MOBILE_NUMBER_ILLEGAL"), None
            refusal = self.permanent.get(phone) or self.refuse_all
            if refusal:
                return 200, _refusal(refusal), None
            if code not in TEMPLATES:
                return 200, _refusal("isv.SMS_TEMPLATE_ILLEGAL"), None
            if sign != SIGN_NAME:
                return 200, _refusal("isv.SMS_SIGNATURE_ILLEGAL"), None
            message = self._message(phone, code, sign, params, query.get("OutId"))
            self.messages.append(message)
        if fault in ("500-after-create", "lost-reply"):
            return 500, {"Code": "ServiceUnavailable", "Message": "服务不可用",
                         "RequestId": _request_id()}, fault
        return 200, {"Code": "OK", "Message": "OK", "BizId": message["sid"],
                     "RequestId": _request_id()}, None

    def query_send_details(self, query: dict) -> dict:
        phone, day = query.get("PhoneNumber", ""), query.get("SendDate", "")
        biz_id = query.get("BizId")
        size = int(query.get("PageSize") or 10)
        page = int(query.get("CurrentPage") or 1)
        with self._lock:
            found = [m for m in self.messages if m["phone"] == phone and m["_day"] == day
                     and (not biz_id or m["sid"] == biz_id)]
        chunk = found[(page - 1) * size:page * size]
        return {"Code": "OK", "Message": "OK", "RequestId": _request_id(),
                "TotalCount": str(len(found)),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": [{
                    "PhoneNum": m["phone"], "SendStatus": m["send_status"],
                    "ErrCode": m["err_code"], "TemplateCode": m["template_code"],
                    "Content": m["body"], "SendDate": m["send_date"],
                    "ReceiveDate": m["send_date"] if m["send_status"] == 3 else "",
                    "OutId": m["out_id"]} for m in chunk]}}

    def answer_query(self, query: dict) -> tuple[int, dict]:
        with self._lock:
            if self.failing_queries > 0:
                self.failing_queries -= 1
                return 500, {"Code": "ServiceUnavailable", "Message": "服务不可用",
                             "RequestId": _request_id()}
        return 200, self.query_send_details(query)

    def _message(self, phone, code, sign, params, out_id) -> dict:
        now = clock.now()
        content = re.sub(r"\$\{(\w+)\}", lambda match: str(params.get(match.group(1), "")),
                         TEMPLATES[code])
        local = now.astimezone(ZoneInfo("Asia/Shanghai"))
        return {
            "sid": f"{secrets.randbelow(10**6):06d}^{secrets.randbelow(10**10):010d}",
            "phone": phone, "to": ("+86" + phone) if len(phone) == 11 else "+" + phone,
            "body": f"【{sign}】{content}", "template_code": code, "params": params,
            "out_id": out_id, "send_status": 1, "err_code": "",
            "send_date": local.strftime("%Y-%m-%d %H:%M:%S"), "_day": local.strftime("%Y%m%d"),
        }


def _refusal(code: str, message: str | None = None) -> dict:
    return {"Code": code, "Message": message or MESSAGES.get(code, code),
            "RequestId": _request_id()}


def _request_id() -> str:
    return secrets.token_hex(16).upper()
