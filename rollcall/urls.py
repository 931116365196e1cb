"""Where Rollcall may send a browser back to after a form: only its own pages."""

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """target if it is a path on this site ("/today"); None for anything that could leave it.

    Browsers read "//host" and "/\\host" as another site, so both are refused, as is any
    control character.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
