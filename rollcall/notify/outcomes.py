"""What the providers' answers mean, in words the rest of Rollcall may import without loading
an SMS SDK: the providers' names, the kinds of an Aliyun refusal, and the error a gateway
raises when its provider cannot be asked right now."""

TWILIO, ALIYUN = "twilio", "aliyun"
PROVIDERS = (TWILIO, ALIYUN)

# Why a queued text was cancelled instead of sent (rollcall.vocabulary has what staff read).
TEXTS_STOPPED = "guardian can no longer receive texts"

# What each Aliyun refusal means for the sender and for the office.
RETRY = "retry"  # a limit: try again later
WRONG_NUMBER = "wrong_number"  # the number cannot get texts: the office phones instead
OFFICE_MUST_ACT = "office_must_act"  # the account, signature or template needs fixing
ERROR_KINDS = {
    "isv.BUSINESS_LIMIT_CONTROL": RETRY,
    "isp.RAM_PERMISSION_DENY": OFFICE_MUST_ACT,
    "isv.MOBILE_NUMBER_ILLEGAL": WRONG_NUMBER,
    "isv.MOBILE_COUNT_OVER_LIMIT": WRONG_NUMBER,
    "isv.BLACK_KEY_CONTROL_LIMIT": OFFICE_MUST_ACT,
    "isv.AMOUNT_NOT_ENOUGH": OFFICE_MUST_ACT,
    "isv.OUT_OF_SERVICE": OFFICE_MUST_ACT,
    "isv.SMS_TEMPLATE_ILLEGAL": OFFICE_MUST_ACT,
    "isv.SMS_SIGNATURE_ILLEGAL": OFFICE_MUST_ACT,
    "isv.TEMPLATE_MISSING_PARAMETERS": OFFICE_MUST_ACT,
    "isv.INVALID_PARAMETERS": OFFICE_MUST_ACT,
    "isv.PARAM_LENGTH_LIMIT": OFFICE_MUST_ACT,
    "isv.TEMPLATE_PARAMS_ILLEGAL": OFFICE_MUST_ACT,
    "isv.DENY_IP_RANGE": OFFICE_MUST_ACT,
    "isv.ACCOUNT_NOT_EXISTS": OFFICE_MUST_ACT,
    "isv.ACCOUNT_ABNORMAL": OFFICE_MUST_ACT,
    "InvalidAccessKeyId.NotFound": OFFICE_MUST_ACT,
    "SignatureDoesNotMatch": OFFICE_MUST_ACT,
    "Throttling.User": RETRY,
}


def error_kind(code: str | None) -> str:
    """RETRY, WRONG_NUMBER or OFFICE_MUST_ACT for an Aliyun code (unknown: the office acts)."""
    if code in ERROR_KINDS:
        return ERROR_KINDS[code]
    return RETRY if (code or "").startswith("Throttling") else OFFICE_MUST_ACT


class ProviderUnreachable(Exception):
    """The provider could not be asked right now (timeout, outage, refusal to answer a query);
    raised by a gateway's lookups so the sender need not know any SDK's exceptions."""
