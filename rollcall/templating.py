"""Every global and filter the templates may use, registered in one place.

The functions live with the area whose words or rules they carry; this list is where a reader
finds what `{{ name(...) }}` or `{{ value|name }}` in a template is.
"""

from flask import Flask
from flask_babel import format_datetime

from rollcall import vocabulary
from rollcall.checks import summary
from rollcall.csrf_mask import masked_csrf_meta_tag, masked_csrf_token
from rollcall.form_fields import kept_drawn
from rollcall.i18n import SUPPORTED_LOCALES, html_lang, per_request, return_path, time_on
from rollcall.notify.health import (
    current_scheduler,
    duty_texts_unsent,
    scheduler_stopped_since,
)
from rollcall.notify.text_words import text_words
from rollcall.office.alerts import watch_reason_for_alert
from rollcall.office.views import check_url, week_label
from rollcall.site_menu import admin_tabs, site_menu
from rollcall.teacher.forms import row_field


def init_app(app: Flask) -> None:
    globals_ = app.jinja_env.globals
    globals_.update(vocabulary.TEMPLATE_GLOBALS)
    globals_.update(
        # the page's frame: language, menus
        html_lang=html_lang, SUPPORTED_LOCALES=SUPPORTED_LOCALES, language_return_path=return_path,
        site_menu=site_menu, admin_tabs=admin_tabs,
        # checks and the office's pages
        row_field=row_field, kept_drawn=kept_drawn, describe_row=summary.describe_row,
        describe_audit_values=summary.describe_audit_values, entry_details=summary.entry_details,
        check_url=check_url, week_label=week_label, watch_reason_for_alert=watch_reason_for_alert,
        # the texts' scheduler, as staff pages report it
        current_scheduler=current_scheduler, text_words=text_words,
        scheduler_stopped_since=scheduler_stopped_since, duty_texts_unsent=duty_texts_unsent)
    # Masked CSRF tokens; the context processor runs after Flask-WTF's own, so these win.
    csrf_helpers = {"csrf_token": masked_csrf_token, "csrf_meta_tag": masked_csrf_meta_tag}
    globals_.update(csrf_helpers)
    app.context_processor(lambda: csrf_helpers)

    filters = app.jinja_env.filters
    filters["datetime"] = per_request(format_datetime)
    filters["time_on"] = per_request(time_on)
    for filter_name, enum_class in vocabulary.ENUM_FILTERS:
        filters[filter_name] = per_request(
            lambda code, enum_class=enum_class: vocabulary.named(enum_class, code))
    filters["status_name"] = per_request(vocabulary.status_name)
