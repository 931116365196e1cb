"""Twilio's webhooks: delivery status callbacks and parents' replies, signature-checked."""

import re

from flask import Blueprint, abort, current_app, request

from rollcall.extensions import csrf
from rollcall.notify.services import apply_status_callback, handle_inbound

bp = Blueprint("twilio_hooks", __name__, url_prefix="/twilio")
csrf.exempt(bp)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
# Twilio's sids are two letters and 32 hex digits, its error codes five digits: anything
# else is refused before it is stored (a column would cut it on one database, not another).
SID = re.compile(r"[A-Za-z0-9]{2,64}")
ERROR_CODE = re.compile(r"[0-9]{1,9}")


def form_sid() -> str:
    """The request's MessageSid; 400 when it is missing or not one."""
    sid = request.form.get("MessageSid", "")
    if not SID.fullmatch(sid):
        abort(400, "MessageSid must be letters and digits")
    return sid


def signed_by_twilio() -> bool:
    """Check X-Twilio-Signature against the public URL Twilio called (not the proxy's)."""
    from twilio.request_validator import RequestValidator

    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature")
    if not token or not signature:
        return False
    base = current_app.config.get("PUBLIC_BASE_URL")
    url = base.rstrip("/") + request.full_path.rstrip("?") if base else request.url
    return RequestValidator(token).validate(url, request.form, signature)


@bp.before_request
def require_signature():
    if not signed_by_twilio():
        abort(403)


@bp.post("/status")
def status():
    """A delivery status for one of our texts."""
    text_id = request.args.get("text", type=int)
    error_code = request.form.get("ErrorCode") or None
    if error_code is not None and not ERROR_CODE.fullmatch(error_code):
        abort(400, "ErrorCode must be a number")
    apply_status_callback(form_sid(), request.form.get("MessageStatus", ""), error_code,
                          text_id)
    return "", 204


@bp.post("/inbound")
def inbound():
    """A text from a parent: STOP/START/HELP, or a reply about their child."""
    sid = form_sid()
    phone = request.form.get("From", "")
    if not phone:
        abort(400, "From is required")
    handle_inbound(phone, request.form.get("Body", ""), sid)
    return EMPTY_TWIML, 200, {"Content-Type": "text/xml; charset=utf-8"}
