"""The template editor's live segment count (notify.js) agrees with the server's rule
(rollcall.notify.settings.segments) over many texts: GSM-7, its extension, Chinese, emoji."""

import random

from rollcall.notify.settings import segments
from tests.factories import PASSWORD

PIECES = ["a", "Z", "0", " ", "@", "é", "\n", "^", "€", "{", "\\", "~", "|", "[", "你", "好",
          "。", "😀", "ç", "Ä", "`", "’"]


def texts() -> list[str]:
    chosen = random.Random(26)
    made = ["", "a" * 160, "a" * 161, "€" * 80, "€" * 81, "你" * 70, "你" * 71, "😀" * 35,
            "😀" * 36, "a" * 306, "a" * 307]
    for _ in range(400):
        size = chosen.choice([1, 5, 60, 70, 71, 140, 153, 160, 161, 200, 320])
        alphabet = chosen.choice([PIECES[:13], PIECES[:9], PIECES])
        made.append("".join(chosen.choice(alphabet) for _ in range(size)))
    return made


def test_the_browser_counts_segments_as_the_server_does(live_server, phone, school, sign_in):
    sign_in(phone, live_server.url, "admin.li", PASSWORD)
    phone.goto(f"{live_server.url}/admin/text-settings")
    samples = texts()
    counted = phone.evaluate(
        "(texts) => texts.map((t) => document.querySelector('form.text-settings').segments(t))",
        samples)
    expected = [{"encoding": s.encoding, "units": s.units, "count": s.count}
                for s in map(segments, samples)]
    assert counted == expected
