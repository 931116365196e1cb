"""Flask's signed cookie session, its signer built once per secret instead of per request.

Flask builds a new serializer (and its signers) to open every request's session cookie and
again to save it; the secret keys do not change between requests, so the one built for them
is kept, and built afresh when SECRET_KEY or SECRET_KEY_FALLBACKS change.
"""

from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Flask's SecureCookieSessionInterface, keeping its signing serializer."""

    def __init__(self):
        self._kept = (None, None)  # (the keys it was built for, the serializer)

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._kept[0] != keys:
            self._kept = (keys, super().get_signing_serializer(app))
        return self._kept[1]
