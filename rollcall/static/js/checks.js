/* One script for signed-in pages; what it does and why: docs/checks-js.md. */
(function () {
  "use strict";
  var script = document.currentScript, warned = null;
  function changed(f) {
    if (!f.name || f.type === "hidden") { return false; }
    if (f.type === "checkbox" || f.type === "radio") { return f.checked !== f.defaultChecked; }
    if (f.tagName === "SELECT") {
      var first = Array.prototype.findIndex.call(f.options, function (o) { return o.defaultSelected; });
      return f.selectedIndex !== Math.max(first, 0);
    }
    return /^(INPUT|TEXTAREA)$/.test(f.tagName) && f.value !== f.defaultValue;
  }
  document.addEventListener("submit", function (event) {
    var lost = null;
    document.querySelectorAll("form").forEach(function (other) {
      var f = other !== event.target && Array.prototype.find.call(other.elements, changed);
      if (f && !lost) { lost = [other.querySelector("[type=submit]") || f, f]; }
    });
    var mark = document.querySelector("[data-unsent-for]:not([hidden])");
    if (!lost && mark) { lost = [mark.parentNode, mark.parentNode]; }
    hold(event, event.target, lost);
  }, true);
  function hold(event, pressed, lost) {
    if (!lost || warned === pressed) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    warned = pressed;
    var note = document.getElementById("keep") || document.createElement("p");
    note.id = "keep";
    note.className = "flash flash-warning";
    note.setAttribute("role", "alert");
    note.textContent = script.getAttribute("data-warn");
    lost[0].parentNode.insertBefore(note, lost[0]);
    lost[1].focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || link.target || link.hasAttribute("download") ||
        event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    var to = new URL(link.href, location.href);
    if (!/^https?:$/.test(to.protocol) ||
        (to.pathname === location.pathname && to.search === location.search && to.hash)) { return; }
    var f = Array.prototype.find.call(document.querySelectorAll("input, select, textarea"),
      function (field) {
        // getAttribute: a field named "method" (the contact form's) hides form.method.
        return changed(field) && field.form &&
          /^post$/i.test(field.form.getAttribute("method")) &&
          (!field.form.classList.contains("check-form") || field.closest(".contact-form"));
      });
    var box = f && (f.closest(".contact-form") || f.form);
    hold(event, link, f && [box.querySelector("[type=submit]") || f, f]);
  }, true);
  document.addEventListener("input", function () { warned = null; }, true);

  var search = document.querySelector(".jump-search");
  if (search) {
    var box = search.querySelector("input");
    var jump = function () {
      var wanted = box.value.trim();
      if (!wanted) { return; }
      var found = null;
      document.querySelectorAll(".row, .jump-row").forEach(function (row) {
        if (found) { return; }
        var seat = row.querySelector(".seat").textContent.trim();
        var name = row.querySelector("legend, .name").textContent.replace(seat, "").trim();
        if (seat === wanted || name.indexOf(wanted) !== -1) { found = row; }
      });
      document.querySelectorAll(".jumped").forEach(function (row) {
        row.classList.remove("jumped");
      });
      if (found) {
        found.classList.add("jumped");
        found.scrollIntoView({block: "start"});
      }
    };
    box.addEventListener("input", jump);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); jump(); box.blur(); }
    });
  }

  var form = document.querySelector("form.check-form");
  if (!form) { return; }
  var KEY = "rollcall:unsent:" + (document.body.getAttribute("data-user") || "") + ":" +
    location.pathname;
  var banner = document.getElementById("unsent");

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

  function chips(row) {
    row.querySelectorAll("select[data-chips]").forEach(function (select) {
      if (select.getAttribute("data-chipped")) { return; }
      select.setAttribute("data-chipped", "1");
      var group = document.createElement("span");
      group.className = "chips";
      group.setAttribute("role", "group");
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) { return; }
        var chip = document.createElement("button");
        chip.type = "button";
        chip.textContent = option.textContent;
        chip.setAttribute("data-value", option.value);
        chip.setAttribute("aria-pressed", String(option.selected));
        group.appendChild(chip);
      });
      group.addEventListener("click", function (event) {
        var chip = event.target.closest("button");
        if (!chip) { return; }
        select.value = chip.getAttribute("data-value");
        group.querySelectorAll("button").forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === chip));
        });
        select.dispatchEvent(new Event("change", {bubbles: true}));
      });
      select.classList.add("chipped");
      select.parentNode.insertBefore(group, select);
    });
  }
  function syncChips(row) {
    row.querySelectorAll("select[data-chipped]").forEach(function (select) {
      select.previousSibling.querySelectorAll("button").forEach(function (chip) {
        chip.setAttribute("aria-pressed", String(chip.getAttribute("data-value") === select.value));
      });
    });
  }
  function showDetails(row, status) {
    row.setAttribute("data-s", status);
    if (row.querySelector(".m-" + status + " select")) { chips(row); syncChips(row); }
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); }
    catch (error) { return null; }
  }
  function posted(f) {
    return f.name && !f.disabled && (!/^(checkbox|radio)$/.test(f.type) || f.checked);
  }
  function store(queued, at) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (f) {
      if (posted(f) && f.name !== "csrf_token" && !f.closest(".contact-form")) {
        fields.push([f.name, f.value]);
      }
    });
    var kept = load();
    try {
      localStorage.setItem(KEY, JSON.stringify({
        fields: fields, at: at || Date.now(), queued: queued || (kept && kept.queued) || false}));
    } catch (error) { }
  }
  function forget() {
    try { localStorage.removeItem(KEY); } catch (error) { }
  }
  function restore(kept) {
    kept.fields.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      var radios = form.querySelectorAll("input[type=radio][name='" + name + "']");
      if (radios.length) {
        radios.forEach(function (radio) {
          radio.checked = radio.value === value;
          if (radio.checked) { showDetails(radio.closest(".row"), value); }
        });
        return;
      }
      var field = form.elements.namedItem(name);
      if (field && field.name !== "csrf_token") { field.value = value; }
    });
    form.querySelectorAll(".row").forEach(syncChips);
    recount();
  }
  function say(state) {
    if (!banner) { return; }
    banner.hidden = false;
    banner.setAttribute("data-state", state);
  }

  function showSaved(answer) {
    var bases = answer.bases;
    form.elements.namedItem("version").value = answer.version;
    Object.keys(bases).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) { field.value = bases[name]; }
    });
    var parts = document.createElement("template");
    parts.innerHTML = answer.html;
    Array.from(parts.content.children).forEach(function (part) {
      var shown = document.getElementById(part.id);
      if (shown) { shown.replaceWith(part); }
    });
    if (answer.submit) { form.querySelector("[type=submit]").textContent = answer.submit; }
    if (banner) { banner.hidden = true; }
    form.removeAttribute("data-sent");
    var message = document.querySelector("#flashes .flash");
    scrollTo(0, 0);
    if (message) {
      message.tabIndex = -1;
      message.focus({preventScroll: true});
    }
    form.querySelectorAll("input, textarea, option").forEach(function (field) {
      field.defaultChecked = field.checked;
      field.defaultValue = field.value;
      field.defaultSelected = field.selected;
    });
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!worker) { return; }
    var copy = document.documentElement.cloneNode(true);
    copy.querySelectorAll(".chips").forEach(function (chips) {
      chips.nextSibling.removeAttribute("data-chipped");
      chips.nextSibling.classList.remove("chipped");
      chips.remove();
    });
    worker.postMessage({saved: location.pathname, html: "<!doctype html>" + copy.outerHTML});
  }

  var ROW = /^([a-z])(\d+)$/;
  function number(name) { var v = form.elements.namedItem(name).value; return v ? +v : null; }
  function body(at) {
    var touched = {}, rows = {}, contact = null;
    Array.prototype.forEach.call(form.elements, function (f) {
      var m = ROW.exec(f.name);
      if (m && !f.disabled && changed(f)) { touched[m[2]] = 1; }
      if (f.closest(".contact-form") && changed(f)) { contact = {}; }
    });
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!posted(f)) { return; }
      var m = ROW.exec(f.name);
      if (m && touched[m[2]]) { (rows[m[2]] = rows[m[2]] || {})[m[1]] = f.value; }
      if (contact && f.closest(".contact-form")) { contact[f.name] = f.value; }
    });
    var save = {version: number("version"), loaded_at: number("loaded_at"), tapped_at: at,
      rows: rows};
    if (contact) { save.contact = contact; }
    return JSON.stringify(save);
  }

  var sending = false;
  function send(fresh) {
    if (sending) { return; }
    sending = true;
    var kept = load(), at = !fresh && kept && kept.at || Date.now();
    store(true, at);
    fetch(form.action || location.href, {
      method: "POST", body: body(at), credentials: "same-origin",
      headers: {"Accept": "application/json", "Content-Type": "application/json",
        "X-CSRFToken": form.elements.namedItem("csrf_token").value}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) {
          forget();
          if (answer.next) { location.assign(answer.next); return; }
          sending = false;
          showSaved(answer);
        });
      }
      sending = false;
      if (response.redirected) {
        location.assign(response.url);
        return;
      }
      forget();
      form.setAttribute("data-plain", "1");
      form.submit();
    }, function () {
      sending = false;
      form.removeAttribute("data-sent");
      say("offline");
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio") {
      var row = input.closest(".row"), more = row.querySelectorAll(".m-" + input.value);
      showDetails(row, input.value);
      if (more.length) { more[more.length - 1].scrollIntoView({block: "center"}); }
      if (input.value === "late" && form.getAttribute("data-today")) {
        var time = row.querySelector("input[type=time]");
        if (time && !time.value) {
          var now = new Date();
          time.value = pad(now.getHours()) + ":" + pad(now.getMinutes());
        }
      }
      recount();
    } else if (input.tagName === "SELECT" && input.getAttribute("data-chipped")) {
      syncChips(input.closest(".row"));
    }
    store(false);
  });
  form.addEventListener("input", function () { store(false); });

  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-plain") || event.submitter && event.submitter.formAction !== form.action) { return; }
    event.preventDefault();
    if (form.getAttribute("data-sent")) { return; }
    form.setAttribute("data-sent", "1");
    send(1);
  });
  window.addEventListener("pageshow", function () { form.removeAttribute("data-sent"); });
  window.addEventListener("online", function () {
    var kept = load();
    if (kept && kept.queued) { send(); }
  });
  if (banner) {
    banner.querySelector("[data-send]").addEventListener("click", function () {
      form.setAttribute("data-sent", "1");
      send();
    });
  }

  form.querySelectorAll(".row").forEach(function (row) {
    var status = row.getAttribute("data-s");
    if (status) { showDetails(row, status); }
  });

  var bad = form.querySelector(".error");
  if (bad) {
    bad.closest(".row").scrollIntoView({block: "center"});
    bad.parentNode.querySelector("input, select").focus({preventScroll: true});
  }
  var kept = load();
  if (kept && kept.fields && !form.querySelector("fieldset[disabled]")) {
    restore(kept);
    say(kept.queued ? "offline" : "restored");
    if ((kept.queued || location.hash == "#send") && navigator.onLine) { send(); }
  }
  recount();
})();
