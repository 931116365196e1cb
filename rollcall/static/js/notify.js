// Text settings: re-render the preview and its SMS segment count as the admin types.
(function () {
  "use strict";
  var form = document.querySelector("form.text-settings");
  if (!form) { return; }
  var sample = JSON.parse(form.getAttribute("data-sample") || "{}");
  var GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡" +
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENDED = "^{}\\[~]|€\f";

  function segments(text) {
    var gsm = true, units = 0, i, ch;
    for (i = 0; i < text.length; i++) {
      ch = text.charAt(i);
      if (GSM.indexOf(ch) >= 0) { units += 1; }
      else if (GSM_EXTENDED.indexOf(ch) >= 0) { units += 2; }
      else { gsm = false; break; }
    }
    if (!gsm) { units = text.length; }  // UTF-16 code units, as the network counts UCS-2
    var single = gsm ? 160 : 70, part = gsm ? 153 : 67;
    var count = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / part));
    return { encoding: gsm ? "GSM-7" : "UCS-2", units: units, count: count };
  }

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
