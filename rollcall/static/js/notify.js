// Text settings: re-render the preview and its SMS segment count as the admin types.
(function () {
  "use strict";
  // The alphabets and sizes come from the server (rollcall.notify.settings.segment_rule).
  var rule = JSON.parse(document.currentScript.getAttribute("data-segment-rule"));
  var form = document.querySelector("form.text-settings");
  if (!form) { return; }
  var sample = JSON.parse(form.getAttribute("data-sample") || "{}");
  var GSM = rule.gsm7, GSM_EXTENDED = rule.gsm7_extended;

  function segments(text) {
    var gsm = true, units = 0, i, ch;
    for (i = 0; i < text.length; i++) {
      ch = text.charAt(i);
      if (GSM.indexOf(ch) >= 0) { units += 1; }
      else if (GSM_EXTENDED.indexOf(ch) >= 0) { units += 2; }
      else { gsm = false; break; }
    }
    if (!gsm) { units = text.length; }  // UTF-16 code units, as the network counts UCS-2
    var encoding = gsm ? "GSM-7" : "UCS-2";
    var single = rule.sizes[encoding][0], part = rule.sizes[encoding][1];
    var count = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / part));
    return { encoding: encoding, units: units, count: count };
  }
  form.segments = segments;  // for tests/browser/test_notify_segments.py: one rule, two languages

  function render(template, language) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      var values = sample[language] || {};
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  form.querySelectorAll(".template-input").forEach(function (input) {
    var preview = document.getElementById("preview-" + input.id);
    if (!preview) { return; }
    var text = preview.querySelector(".preview-text");
    var count = preview.querySelector(".segment-count");
    input.addEventListener("input", function () {
      var language = /_en$/.test(input.id) ? "en" : "zh_Hans";
      var rendered = render(input.value.trim() || input.defaultValue, language);
      var result = segments(rendered);
      var label = count.getAttribute(result.count === 1 ? "data-one" : "data-many");
      text.textContent = rendered;
      count.textContent = label.replace("{count}", result.count)
        .replace("{encoding}", result.encoding).replace("{units}", result.units);
    });
  });
}());
