"""The one seam to the SMS providers: an outbox row in, the official Twilio or Aliyun client out.

`SMS_PROVIDER` (twilio or aliyun) picks the provider of the install and a school may choose
its own; `Gateways` hands out one gateway per provider, and a provider without credentials is
the backend that records "not sent: no SMS provider configured", so a demo shows what would
have gone out.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from rollcall.notify.models import TextStatus
from rollcall.notify.outcomes import ALIYUN, PROVIDERS, TWILIO, ProviderUnreachable
from rollcall.phones import mask

log = logging.getLogger(__name__)
# The Twilio client logs request URLs and parameters (phone numbers) at INFO: keep it quiet.
_twilio_http_log = logging.getLogger("rollcall.notify.twilio_http")
_twilio_http_log.setLevel(logging.WARNING)

NO_PROVIDER = "not sent: no SMS provider configured"
RATE_LIMITED = 20429
OPTED_OUT = 21610
# Permanent: retrying cannot help, so the office phones instead.
PERMANENT_CODES = {21211: "invalid phone number", 21614: "not a mobile number",
                   21408: "region not enabled", 21610: "recipient unsubscribed (STOP)"}

TWILIO_STATUSES = {
    "accepted": TextStatus.SUBMITTED, "scheduled": TextStatus.SUBMITTED,
    "queued": TextStatus.SUBMITTED, "sending": TextStatus.SUBMITTED,
    "sent": TextStatus.SENT, "delivered": TextStatus.DELIVERED,
    "undelivered": TextStatus.UNDELIVERED, "failed": TextStatus.FAILED,
}


@dataclass(frozen=True)
class SendResult:
    status: str  # a TextStatus; QUEUED means "try again later"
    sid: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    ambiguous: bool = False  # the provider may hold the message: look before resending
    provider_error: str | None = None  # a provider's own code (Aliyun's are words)


class NoProviderGateway:
    """Records each text as not sent, and logs it masked."""

    name = None

    def send(self, text, status_callback=None) -> SendResult:
        log.info("no SMS provider: %s text %s to %s not sent (%d characters)", text.kind,
                 text.id, mask(text.to_e164), len(text.body))
        return SendResult(TextStatus.NOT_SENT, error_message=NO_PROVIDER)

    def find_sent(self, text, since: datetime) -> SendResult | None:
        return None


class TwilioGateway:
    """The official client, pointed at TWILIO_API_BASE_URL (a staging stand-in or Twilio).

    The SDK is imported when the first gateway is built, never by merely importing Rollcall.
    """

    name = TWILIO

    def __init__(self, config):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        http_client = TwilioHttpClient(timeout=float(config.get("SMS_HTTP_TIMEOUT_SECONDS", 15)),
                                       logger=_twilio_http_log)
        self.client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                             http_client=http_client)
        # Domain.base_url is how the SDK builds every api.twilio.com URL.
        self.client.api.base_url = config["TWILIO_API_BASE_URL"].rstrip("/")
        self.sender = ({"messaging_service_sid": config["TWILIO_MESSAGING_SERVICE_SID"]}
                       if config.get("TWILIO_MESSAGING_SERVICE_SID")
                       else {"from_": config["TWILIO_FROM_NUMBER"]})

    def send(self, text, status_callback=None) -> SendResult:
        from requests.exceptions import RequestException
        from twilio.base.exceptions import TwilioRestException

        extra = {"status_callback": status_callback} if status_callback else {}
        try:
            message = self.client.messages.create(to=text.to_e164, body=text.body,
                                                  **self.sender, **extra)
        except TwilioRestException as error:
            return _classify(error)
        except RequestException as error:  # timeout or broken connection: ambiguous
            log.warning("text %s: %s talking to Twilio", text.id, type(error).__name__)
            return SendResult(TextStatus.QUEUED, ambiguous=True)
        return SendResult(TWILIO_STATUSES.get(message.status, TextStatus.SUBMITTED),
                          sid=message.sid)

    def find_sent(self, text, since: datetime) -> SendResult | None:
        """The message Twilio already holds for this text, if an earlier attempt created it.

        Filtered here on date_created rather than by Twilio on DateSent: a message that was
        created but is still queued has no send date yet, and must still count.
        Raises ProviderUnreachable when Twilio cannot be asked right now.
        """
        from requests.exceptions import RequestException
        from twilio.base.exceptions import TwilioException

        try:
            messages = self.client.messages.list(to=text.to_e164, limit=50)
        except (TwilioException, RequestException) as error:
            raise ProviderUnreachable(type(error).__name__) from error
        for message in messages:
            created = message.date_created
            if (message.body == text.body and (message.direction or "").startswith("outbound")
                    and (created is None or created >= since)):
                return SendResult(TWILIO_STATUSES.get(message.status, TextStatus.SUBMITTED),
                                  sid=message.sid)
        return None


def _classify(error) -> SendResult:
    """A TwilioRestException as the sender's result."""
    code = error.code if isinstance(error.code, int) else None
    if error.status == 429 or code == RATE_LIMITED:
        return SendResult(TextStatus.QUEUED, error_code=RATE_LIMITED)
    if error.status >= 500:
        return SendResult(TextStatus.QUEUED, error_code=code, ambiguous=True)
    reason = PERMANENT_CODES.get(code, "rejected by Twilio")
    return SendResult(TextStatus.FAILED, error_code=code, error_message=reason)


def has_twilio(config) -> bool:
    sender = config.get("TWILIO_FROM_NUMBER") or config.get("TWILIO_MESSAGING_SERVICE_SID")
    return bool(config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_AUTH_TOKEN") and sender)


def gateway_from_config(config, provider: str | None = None):
    """The provider's gateway when it is configured, otherwise the backend that records
    "not sent". Without a provider: the install's SMS_PROVIDER."""
    from rollcall.notify.aliyun import AliyunGateway, has_aliyun

    provider = provider or install_provider(config)
    if provider == ALIYUN:
        return AliyunGateway(config) if has_aliyun(config) else NoProviderGateway()
    return TwilioGateway(config) if has_twilio(config) else NoProviderGateway()


def install_provider(config) -> str:
    """SMS_PROVIDER of the install: twilio (the default) or aliyun."""
    provider = (config.get("SMS_PROVIDER") or TWILIO).strip().lower()
    return provider if provider in PROVIDERS else TWILIO


class Gateways:
    """One gateway per provider, built when first needed; a fixed gateway serves them all."""

    def __init__(self, config, fixed=None):
        self.config, self.fixed, self._built = config, fixed, {}

    def get(self, provider: str | None):
        if self.fixed is not None:
            return self.fixed
        provider = provider if provider in PROVIDERS else install_provider(self.config)
        if provider not in self._built:
            self._built[provider] = gateway_from_config(self.config, provider)
        return self._built[provider]
