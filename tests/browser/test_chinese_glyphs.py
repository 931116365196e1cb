"""Chinese pages draw real glyphs, not the empty boxes a browser draws when no font on the
machine has the character: otherwise every layout test in Chinese measures boxes, not what a
teacher's phone shows."""

import pytest

# A private-use character: no font draws it, so it comes out as the missing-glyph box.
NO_FONT_HAS_IT = "\ue000"
PLACES = {"h1": "登录", "label[for=username]": "用户名", "label[for=password]": "密码"}


def drawings(page, selector: str) -> dict:
    """Each character of the element's text drawn alone, in the element's own font, as PNG data
    URLs; plus the missing-glyph box and an empty canvas in that font for comparison."""
    return page.evaluate("""([selector, missing]) => {
        const node = document.querySelector(selector);
        const font = getComputedStyle(node).font;
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 96;
        const pen = canvas.getContext("2d");
        const draw = (text) => {
            pen.clearRect(0, 0, canvas.width, canvas.height);
            pen.font = font;
            pen.textBaseline = "top";
            pen.fillText(text, 8, 8);
            return canvas.toDataURL();
        };
        const chars = [...node.innerText.trim()];
        return {text: chars.join(""), chars: Object.fromEntries(chars.map((c) => [c, draw(c)])),
                box: draw(missing), blank: draw("")};
    }""", [selector, NO_FONT_HAS_IT])


@pytest.mark.parametrize("lang", ["zh"])
def test_chinese_text_is_drawn_with_a_chinese_font(live_server, phone, lang, school):
    phone.goto(f"{live_server.url}/login")
    for selector, text in PLACES.items():
        drawn = drawings(phone, selector)
        assert drawn["text"] == text
        shapes = drawn["chars"]
        assert [c for c in text if shapes[c] == drawn["blank"]] == [], "drawn as nothing"
        assert [c for c in text if shapes[c] == drawn["box"]] == [], "drawn as missing-glyph boxes"
        # Boxes all look alike; real characters each have a shape of their own.
        assert len(set(shapes.values())) == len(text), f"{text}: characters drawn alike"
