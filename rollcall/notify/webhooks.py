"""Twilio's webhooks: delivery status callbacks and parents' replies, signature-checked."""

from flask import Blueprint, abort, current_app, request

from rollcall.extensions import csrf
from rollcall.notify.services import apply_status_callback, handle_inbound

bp = Blueprint("twilio_hooks", __name__, url_prefix="/twilio")
csrf.exempt(bp)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


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
    apply_status_callback(request.form.get("MessageSid", ""),
                          request.form.get("MessageStatus", ""),
                          request.form.get("ErrorCode"), text_id)
    return "", 204


@bp.post("/inbound")
def inbound():
    """A text from a parent: STOP/START/HELP, or a reply about their child."""
    sid = request.form.get("MessageSid", "")
    phone = request.form.get("From", "")
    if not sid or not phone:
        abort(400)
    handle_inbound(phone, request.form.get("Body", ""), sid)
    return EMPTY_TWIML, 200, {"Content-Type": "text/xml; charset=utf-8"}
