/* Check pages: live counts, the row's details shown as its status changes, a late arrival
   stamped with the time of the tap (only on today's check: on another day the teacher types
   the time, or it is saved as "time not recorded"), and one submission per tap. Works without
   it too. */
(function () {
  "use strict";
  var form = document.querySelector("form.check-form");
  if (!form) { return; }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function recount() {
    var counts = {};
    form.querySelectorAll(".seg input:checked").forEach(function (input) {
      counts[input.value] = (counts[input.value] || 0) + 1;
    });
    form.querySelectorAll("[data-count]").forEach(function (out) {
      out.textContent = counts[out.getAttribute("data-count")] || 0;
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") { return; }
    var row = input.closest(".row");
    row.setAttribute("data-s", input.value);
    if (input.value === "late" && form.getAttribute("data-today")) {
      var time = row.querySelector("input[type=time]");
      if (time && !time.value) {
        var now = new Date();
        time.value = pad(now.getHours()) + ":" + pad(now.getMinutes());
      }
    }
    recount();
  });

  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
  });
  window.addEventListener("pageshow", function () { form.removeAttribute("data-sent"); });
  recount();
})();
