"""A page drawn afresh with what was posted from its form put back in its fields.

How a press in the menu (language, sign out) that carried a page's form brings that page back
as typed, whichever page it is (page_forms.page_again): the page's own view draws it as for a
GET, and here each control of the form (`<form id>` and the controls with `form="id"`) takes
the posted value: a text field or hidden field its value, a textarea its text, a select its
options, a radio button or checkbox its mark. Controls not posted (disabled ones) are left.
"""

from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

NOT_FILLED = {"submit", "button", "reset", "image", "file"}
MARKED = {"radio", "checkbox"}


@dataclass
class Filled:
    html: str
    typed: bool  # a field the person can see holds something other than the page showed


def fill(html: str, form_id: str, posted: MultiDict, action: str) -> Filled:
    """html with the posted values in form form_id's controls; a form without an action is
    given `action` (the page is shown from another address than its own)."""
    parser = _Filler(form_id, posted, action, html)
    parser.feed(html)
    parser.close()
    out, at = [], 0
    for start, end, text in sorted(parser.edits):
        out += [html[at:start], text]
        at = end
    out.append(html[at:])
    return Filled("".join(out), parser.typed)


def _tag(name: str, attrs: dict, closed: bool) -> str:
    parts = [name] + [key if value is None else f'{key}="{escape(value)}"'
                      for key, value in attrs.items()]
    return "<" + " ".join(parts) + (" />" if closed else ">")


class _Filler(HTMLParser):
    def __init__(self, form_id, posted, action, html):
        super().__init__(convert_charrefs=True)
        self.form_id, self.posted, self.action = form_id, posted, action
        self.line_starts = [0]
        for line in html.split("\n"):  # as HTMLParser counts lines
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.edits, self.typed = [], False
        self.in_form = False  # inside <form id=form_id>
        self.fieldsets = []  # disabled or not, innermost last
        self.seen = {}  # how many controls of each name so far: the n-th takes the n-th value
        self.select = None  # the posted values of the select being read, or None
        self.options = []  # its options: [attributes, where, start tag, text]
        self.textarea = None  # (name's value, where its text starts, its text so far)

    def here(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def ours(self, attrs: dict) -> bool:
        owner = attrs.get("form")
        inside = self.in_form if owner is None else owner == self.form_id
        return inside and "disabled" not in attrs and not any(self.fieldsets)

    def rewrite(self, name: str, attrs: dict) -> None:
        start, raw = self.here(), self.get_starttag_text()
        self.edits.append((start, start + len(raw), _tag(name, attrs, raw.endswith("/>"))))

    def mark(self, attrs: dict, on: bool, attribute: str) -> bool:
        """Set or clear a boolean attribute (checked, selected); whether it changed."""
        if on == (attribute in attrs):
            return False
        if on:
            attrs[attribute] = None
        else:
            del attrs[attribute]
        return True

    def handle_starttag(self, tag, attr_list):
        attrs = dict(attr_list)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            if "action" not in attrs:
                attrs["action"] = self.action
                self.rewrite(tag, attrs)
        elif tag == "fieldset":
            self.fieldsets.append("disabled" in attrs)
        elif tag == "option" and self.select is not None:
            self.options.append([attrs, self.here(), self.get_starttag_text(), []])
        elif tag in ("input", "select", "textarea") and self.ours(attrs) and attrs.get("name"):
            self.control(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def control(self, tag, attrs):
        name, kind = attrs["name"], (attrs.get("type") or "text").lower()
        if name == "csrf_token" or kind in NOT_FILLED:
            return
        values = self.posted.getlist(name)
        if tag == "select":
            self.select, self.options = (values, []) if name in self.posted else (None, [])
            return
        if kind in MARKED:  # a radio group not posted has nothing chosen: left as drawn
            if kind == "radio" and name not in self.posted:
                return
            if self.mark(attrs, attrs.get("value", "on") in values, "checked"):
                self.rewrite(tag, attrs)
                self.typed = True
            return
        index = self.seen[name] = self.seen.get(name, -1) + 1
        if index >= len(values):
            return
        if tag == "textarea":
            self.textarea = (values[index], self.here() + len(self.get_starttag_text()), [])
            return
        if attrs.get("value", "") != values[index]:
            attrs["value"] = values[index]
            self.rewrite(tag, attrs)
            self.typed = self.typed or kind != "hidden"

    def choose(self, wanted: list[str], options: list) -> None:
        """Mark the options posted as selected, when the select shows another choice (with
        none marked, a select shows its first option)."""
        values = [attrs.get("value", "".join(text).strip()) for attrs, *_rest, text in options]
        shown = [v for v, (attrs, *_rest) in zip(values, options, strict=True)
                 if "selected" in attrs] or values[:1]
        if set(shown) == set(wanted):
            return
        self.typed = True
        for value, (attrs, start, raw, _text) in zip(values, options, strict=True):
            if self.mark(attrs, value in wanted, "selected"):
                self.edits.append((start, start + len(raw), _tag("option", attrs, False)))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[2].append(data)
        elif self.select is not None and self.options:
            self.options[-1][3].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "select" and self.select is not None:
            self.choose(self.select, self.options)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            value, start, shown = self.textarea
            self.textarea = None
            # A newline right after <textarea> is not part of its text (HTML drops it).
            shown = "".join(shown).removeprefix("\r").removeprefix("\n").replace("\r\n", "\n")
            if shown != value.replace("\r\n", "\n"):
                self.edits.append((start, self.here(), "\n" + escape(value, quote=False)))
                self.typed = True
