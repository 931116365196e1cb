"""The office's charts read on a phone and on a desk: every label drawn is at least 12 px tall
on screen, and where a chart would be drawn too small its table stands in for it."""

import pytest

from rollcall import clock
from tests.browser.conftest import LOCALES
from tests.browser.test_office_board import MORNING, _sign_in, demo  # noqa: F401

SCREENS = {"phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True,
                     "is_mobile": True, "device_scale_factor": 2},
           "desk": {"viewport": {"width": 1366, "height": 768}}}

# An SVG's text is sized in the units of its viewBox: on screen it is that size times the
# ratio of the drawn width to the viewBox width.
MEASURE = """() => [...document.querySelectorAll('main section')]
  .filter(section => section.querySelector('.chart-table'))
  .map(section => {
    const shown = el => !!el && getComputedStyle(el).display !== 'none'
      && el.getBoundingClientRect().width > 0;
    const svg = section.querySelector('svg.chart'), table = section.querySelector('.chart-table');
    const px = el => parseFloat(getComputedStyle(el).fontSize);
    const scale = shown(svg) ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 0;
    return {
      title: section.querySelector('h2').textContent,
      chart: shown(svg), table: shown(table),
      labels: shown(svg) ? [...svg.querySelectorAll('text')]
        .map(t => [t.textContent, px(t) * scale]) : [],
      cells: shown(table) ? [...table.querySelectorAll('thead th, tbody th, tbody td')]
        .map(c => [c.textContent, px(c)]) : [],
    };
  })"""


@pytest.mark.both_languages
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_chart_labels_are_at_least_12px_or_the_table_stands_in(live_server, browser, lang, demo,  # noqa: F811
                                                               screen):
    context = browser.new_context(locale=LOCALES[lang], **SCREENS[screen])
    page = context.new_page()
    try:
        with clock.frozen(MORNING):
            _sign_in(page, live_server.url)
            page.goto(f"{live_server.url}/office/charts")
            sections = page.evaluate(MEASURE)
    finally:
        context.close()
    assert len(sections) == 3
    for section in sections:
        assert section["chart"] or section["table"], section["title"]
        small = [(text, round(size, 1)) for text, size in section["labels"] + section["cells"]
                 if size < 12]
        assert small == [], section["title"]
    drawn = [section for section in sections if section["chart"]]
    if screen == "desk":  # room enough: the charts are drawn, with every label legible
        assert len(drawn) == 3 and all(section["labels"] for section in drawn)
    else:
        assert all(section["table"] and section["cells"] for section in sections)
