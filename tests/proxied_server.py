"""The app behind one trusted proxy hop, served threaded on 127.0.0.1: for tests that send
sign-ins from many addresses at once (X-Forwarded-For), as a proxy in front of it would."""

import threading
import urllib.request

import pytest
from werkzeug.serving import make_server


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand a 302 back to the caller instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def proxied_server(make_app, school):
    """(app, base URL): the app with TRUSTED_PROXY_HOPS=1 on a free port of 127.0.0.1."""
    app = make_app(TRUSTED_PROXY_HOPS=1)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)
