"""The printed weekly class log: A4 pages, and the signature block never alone on a page."""

import pytest

from rollcall import clock
from tests.browser.conftest import LOCALES
from tests.browser.pdf_links import links_by_page
from tests.browser.test_office_board import MORNING, _sign_in, demo  # noqa: F401

# 210 mm less the 12 mm margins either side (the print style's @page), in CSS px (96 per inch).
A4_PRINTABLE_PX = round((210 - 2 * 12) / 25.4 * 96)

# Turn the signature and every line of the log into links, so that the PDF says which page
# each sits on: a link's annotation is written on the page where its text is printed.
MARK = """spacer => {
  const main = document.querySelector('main');
  main.querySelector('#spacer')?.remove();
  main.insertAdjacentHTML('afterbegin', `<div id="spacer" style="height:${spacer}px"></div>`);
  if (document.querySelector('a[href^="https://marker.example/"]')) return;
  const mark = (element, name) => {
    element.innerHTML = `<a href="https://marker.example/${name}">${element.innerHTML}</a>`;
  };
  mark(main.querySelector('.signature'), 'signature');
  main.querySelectorAll('.log-day h2, .log-day tr, .week-routine h2, .week-routine li')
    .forEach((element, index) => mark(element, `content-${index}`));
}"""


@pytest.fixture
def printer(browser, lang):
    context = browser.new_context(locale=LOCALES[lang], viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_signature_is_printed_with_the_last_lines_of_the_log(live_server, printer, demo):  # noqa: F811
    room = demo["rooms"]["九年级1班"]
    with clock.frozen(MORNING):
        _sign_in(printer, live_server.url)
        printer.goto(f"{live_server.url}/homerooms/{room}/week/2026-W47")
        assert printer.locator("section.log-day table.week-checks").count() == 5  # a full week
        # Whatever the length of the week's notes, the signature keeps company: push the log
        # down a little at a time so that the page break falls at every point of its end.
        for spacer in range(0, 1000, 40):
            printer.evaluate(MARK, spacer)
            pages = links_by_page(printer.pdf(format="A4"))
            [signed] = [n for n, links in enumerate(pages)
                        if "https://marker.example/signature" in links]
            assert signed == len(pages) - 1, (spacer, len(pages))
            content = [link for link in pages[signed] if "/content-" in link]
            assert content, f"the signature is alone on page {signed + 1} (spacer {spacer}px)"


def test_the_printed_log_is_no_wider_than_a4(live_server, printer, demo):  # noqa: F811
    room = demo["rooms"]["九年级1班"]
    with clock.frozen(MORNING):
        _sign_in(printer, live_server.url)
        printer.emulate_media(media="print")
        printer.set_viewport_size({"width": A4_PRINTABLE_PX, "height": 1000})
        printer.goto(f"{live_server.url}/homerooms/{room}/week/2026-W47")
        assert printer.evaluate("document.documentElement.scrollWidth") <= A4_PRINTABLE_PX
