"""Alibaba Cloud SMS (Dysmsapi 2017-05-25) behind the same seam as Twilio.

A text goes as an approved template: the school's signature (SignName), the template code of
its kind (TemplateCode) and the placeholders as JSON (TemplateParam); OutId carries the outbox
row, so after an ambiguous failure QuerySendDetails tells whether the text already went.
Aliyun answers refusals with HTTP 200 and a Code other than "OK"; they are mapped here to
"try again later", "wrong number" or "the office must act".
"""

import json
import logging
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi import models as openapi_models
from darabonba.runtime import RuntimeOptions
from Tea.exceptions import TeaException

from rollcall.notify.gateway import SendResult
from rollcall.notify.models import TextStatus
from rollcall.notify.outcomes import ALIYUN, RETRY, ProviderUnreachable, error_kind
from rollcall.notify.settings import text_settings
from rollcall.phones import mask

log = logging.getLogger(__name__)
PUBLIC_ENDPOINT = "dysmsapi.aliyuncs.com"
# QuerySendDetails dates are Beijing time (yyyyMMdd).
BEIJING = ZoneInfo("Asia/Shanghai")

# QuerySendDetails SendStatus: 1 waiting for the carrier's report, 2 failed, 3 received.
SEND_STATUSES = {1: TextStatus.SUBMITTED, 2: TextStatus.UNDELIVERED, 3: TextStatus.DELIVERED}


def template_params(text) -> dict:
    """The placeholders the outbox row was composed with, as Aliyun's TemplateParam wants."""
    values = json.loads(text.template_params or "{}")
    return {key: str(value) for key, value in values.items()}


def phone_number(e164: str) -> str:
    """+8613912345678 → 13912345678 (mainland numbers go as their 11 digits); others without +."""
    digits = e164.lstrip("+")
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def has_aliyun(config) -> bool:
    return bool(config.get("ALIYUN_ACCESS_KEY_ID") and config.get("ALIYUN_ACCESS_KEY_SECRET")
                and config.get("ALIYUN_SMS_SIGN_NAME"))


class AliyunGateway:
    """The official Dysmsapi client, at ALIYUN_SMS_ENDPOINT (Aliyun's, or a staging stand-in)."""

    name = ALIYUN

    def __init__(self, config):
        endpoint = (config.get("ALIYUN_SMS_ENDPOINT") or PUBLIC_ENDPOINT).rstrip("/")
        parts = urlsplit(endpoint if "://" in endpoint else "https://" + endpoint)
        timeout_ms = int(float(config.get("SMS_HTTP_TIMEOUT_SECONDS", 15)) * 1000)
        self.client = Client(openapi_models.Config(
            access_key_id=config["ALIYUN_ACCESS_KEY_ID"],
            access_key_secret=config["ALIYUN_ACCESS_KEY_SECRET"],
            endpoint=parts.netloc, protocol=parts.scheme,
            read_timeout=timeout_ms, connect_timeout=timeout_ms))
        # The sender retries itself, after looking: the SDK must never send a text twice.
        self.runtime = RuntimeOptions(autoretry=False, read_timeout=timeout_ms,
                                      connect_timeout=timeout_ms)
        self.sign_name = config["ALIYUN_SMS_SIGN_NAME"]

    def send(self, text, status_callback=None) -> SendResult:
        code = text_settings(text.school).template_codes.get(text.kind)
        if not code:
            return SendResult(TextStatus.FAILED, provider_error="rollcall.NO_TEMPLATE_CODE",
                              error_message="no Aliyun template code for this kind of text")
        request = sms_models.SendSmsRequest(
            phone_numbers=phone_number(text.to_e164), sign_name=self.sign_name,
            template_code=code, out_id=str(text.id),
            template_param=json.dumps(template_params(text), ensure_ascii=False))
        try:
            body = self.client.send_sms_with_options(request, self.runtime).body
        except TeaException as error:  # 5xx, 4xx or no answer at all
            return _classify_exception(text, error)
        if body.code == "OK":
            return SendResult(TextStatus.SUBMITTED, sid=body.biz_id)
        return _refused(text, body.code)

    def find_sent(self, text, since: datetime) -> SendResult | None:
        """The text Aliyun already holds for this outbox row (OutId), if an attempt reached it.

        Raises ProviderUnreachable when Aliyun cannot be asked right now.
        """
        for day in _days_between(since, text):
            for detail in self._lookup(text.to_e164, day):
                if detail.out_id == str(text.id):
                    return SendResult(SEND_STATUSES.get(detail.send_status,
                                                        TextStatus.SUBMITTED),
                                      sid=None, provider_error=_report_error(detail))
        return None

    def delivery_status(self, text) -> SendResult | None:
        """The carrier's report for a text Aliyun accepted (None: Aliyun does not list it).

        Raises ProviderUnreachable when Aliyun cannot be asked right now.
        """
        day = (text.sent_at or text.created_at).astimezone(BEIJING).strftime("%Y%m%d")
        for detail in self._lookup(text.to_e164, day, biz_id=text.twilio_sid):
            if detail.out_id == str(text.id):
                return SendResult(SEND_STATUSES.get(detail.send_status, TextStatus.SUBMITTED),
                                  sid=text.twilio_sid, provider_error=_report_error(detail))
        return None

    def _lookup(self, e164: str, day: str, biz_id: str | None = None) -> list:
        try:
            return self._details(e164, day, biz_id)
        except TeaException as error:
            raise ProviderUnreachable(type(error).__name__) from error

    def _details(self, e164: str, day: str, biz_id: str | None = None) -> list:
        page, found = 1, []
        while True:
            request = sms_models.QuerySendDetailsRequest(
                phone_number=phone_number(e164), send_date=day, page_size=50,
                current_page=page, biz_id=biz_id)
            body = self.client.query_send_details_with_options(request, self.runtime).body
            if body.code != "OK":
                raise TeaException({"code": body.code, "message": "QuerySendDetails refused"})
            details = (body.sms_send_detail_dtos.sms_send_detail_dto
                       if body.sms_send_detail_dtos else None) or []
            found.extend(details)
            if len(details) < 50 or page >= 10:
                return found
            page += 1


def _days_between(since: datetime, text) -> list[str]:
    first = since.astimezone(BEIJING).strftime("%Y%m%d")
    last = (text.claimed_at or since).astimezone(BEIJING).strftime("%Y%m%d")
    return list(dict.fromkeys([first, last]))


def _report_error(detail) -> str | None:
    return detail.err_code if detail.send_status == 2 and detail.err_code else None


def _refused(text, code: str) -> SendResult:
    kind = error_kind(code)
    log.warning("text %s to %s: Aliyun refused it (%s)", text.id, mask(text.to_e164), code)
    if kind == RETRY:
        return SendResult(TextStatus.QUEUED, provider_error=code)
    return SendResult(TextStatus.FAILED, provider_error=code,
                      error_message=f"refused by Aliyun: {code}")


def _classify_exception(text, error: TeaException) -> SendResult:
    status = getattr(error, "status_code", None)
    code = getattr(error, "code", None)
    if status is not None and 400 <= status < 500 and code and error_kind(code) != RETRY:
        return _refused(text, code)
    # A 5xx, a throttle or a lost answer: Aliyun may hold the text, so look before resending.
    # Not shown to the office: a passing outage is Rollcall's to retry, not the office's.
    log.warning("text %s: %s talking to Aliyun", text.id, type(error).__name__)
    return SendResult(TextStatus.QUEUED, ambiguous=True)
