"""CSRF tokens masked afresh for every response, so HTML pages may be compressed (BREACH).

BREACH reads a secret back from the compressed sizes of pages that also echo text an attacker
chose (a search, a name). Flask-WTF puts the same signed token in every page of a session, which
is what such an attack needs. Here, as in Django, each response gets a fresh random mask and
carries `mask + (mask XOR token)`: the bytes of the token never repeat from one response to the
next. A token sent back (form field or X-CSRFToken header) is unmasked, then Flask-WTF checks it
as before: its signature, its session secret, its time limit. A token without a mask (a page
rendered before masking) still passes Flask-WTF's own check.

Hooks: `MaskedCSRFProtect` for every POST, `MaskedForm` (base of every form) for the rendered
field, and the `csrf_token()` template global.
"""

import base64
import binascii
import os

from flask import Flask, g
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, generate_csrf, validate_csrf
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.csrf.core import CSRF
from wtforms.widgets import HiddenInput


def _xor(one: bytes, other: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(one, other, strict=True))


def mask(token: str) -> str:
    """The token behind a fresh random mask, URL-safe: base64(mask + mask XOR token)."""
    raw = token.encode()
    pad = os.urandom(len(raw))
    return base64.urlsafe_b64encode(pad + _xor(pad, raw)).rstrip(b"=").decode()


def unmask(value: str | None) -> str | None:
    """The token a masked value carries; any other value unchanged, for Flask-WTF to judge."""
    if not value:
        return value
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return value  # a signed token has dots: not base64, so not masked
    half = len(raw) // 2
    if not raw or len(raw) % 2:
        return value
    return _xor(raw[:half], raw[half:]).decode("latin-1")


def masked_csrf_token(secret_key: str | None = None, token_key: str | None = None) -> str:
    """Flask-WTF's token, masked once per response (every form of one page shares it)."""
    token = generate_csrf(secret_key=secret_key, token_key=token_key)
    kept = g.get("_masked_csrf_token")
    if kept is None or kept[0] != token:
        kept = (token, mask(token))
        g._masked_csrf_token = kept
    return kept[1]


def masked_csrf_meta_tag(name: str = "csrf-token") -> Markup:
    return Markup('<meta name="{}" content="{}">').format(name, masked_csrf_token())


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRFProtect, reading masked tokens and giving templates masked ones."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)  # rollcall.templating replaces its csrf_token with ours

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())


class MaskedFormCSRF(CSRF):
    """A form's csrf_token field, rendered masked and unmasked before Flask-WTF checks it."""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return masked_csrf_token(self.meta.csrf_secret, self.meta.csrf_field_name)

    def validate_csrf_token(self, form, field):
        if g.get("csrf_valid", False):
            return  # MaskedCSRFProtect has checked this request already
        validate_csrf(unmask(field.data), self.meta.csrf_secret, self.meta.csrf_time_limit,
                      self.meta.csrf_field_name)


def _text_or_empty(value):
    return "" if value is None else value


def hidden_input(field) -> Markup | None:
    """A hidden field's <input>, byte for byte as WTForms' HiddenInput draws it (id, name,
    type, value, escaped), without its attribute sorting and Markup.format (about 50 µs a
    field, more than a check page's row costs). None when the field is drawn otherwise
    (attributes given, disabled, a value that is not text): WTForms draws it then."""
    if type(field.widget) is not HiddenInput or field.render_kw is not None \
            or field.flags.disabled:
        return None
    value = field._value()
    if value is True or value is False:  # drawn as a bare attribute: WTForms' own way
        return None
    # Every part is escaped where it is put in.
    return Markup(  # noqa: S704
        f'<input id="{escape(field.id)}" name="{escape(field.name)}" type="hidden" '
        f'value="{escape(value)}">')


class MaskedForm(FlaskForm):
    """Every Rollcall form: FlaskForm with a masked CSRF token, whose text fields read as
    empty text when a post leaves them out (never None, which a view would .strip()), and
    whose hidden fields (the token among them) are drawn without WTForms' widget machinery
    (hidden_input)."""

    class Meta:
        csrf_class = MaskedFormCSRF

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                options["filters"] = (*unbound_field.kwargs.get("filters", ()),
                                      _text_or_empty)
            return unbound_field.bind(form=form, **options)

        def render_field(self, field, render_kw):
            drawn = None if render_kw else hidden_input(field)
            return drawn if drawn is not None else super().render_field(field, render_kw)
