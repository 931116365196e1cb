/* Today and the check pages without signal: registers the service worker (/sw.js), and on
   Today asks it to keep the three check pages and the static files, then marks each check
   whose taps are still only on this phone. Without it the pages work as plain pages. */
(function () {
  "use strict";
  var UNSENT = "rollcall:unsent:" + (document.body.getAttribute("data-user") || "") + ":";
  var script = document.currentScript;

  document.querySelectorAll("[data-unsent-for]").forEach(function (mark) {
    var stored = null;
    try { stored = window.localStorage.getItem(UNSENT + mark.getAttribute("data-unsent-for")); }
    catch (error) { stored = null; }
    if (stored) {
      mark.hidden = false;
      mark.parentNode.hash = "send";  // the check page sends them at once
      var card = mark.closest(".card");
      if (card) { card.classList.add("today-unsent"); }
    }
  });

  if (!("serviceWorker" in navigator)) { return; }
  var worker = script && script.getAttribute("data-sw");
  if (!worker) { return; }
  navigator.serviceWorker.register(worker, {scope: "/"}).catch(function () { /* plain pages */ });

  var keepList = document.querySelector("[data-keep-offline]");
  if (!keepList) { return; }
  var pages = Array.prototype.map.call(keepList.querySelectorAll("a[href]"), function (link) {
    return new URL(link.href, window.location.href).pathname;
  });
  pages.push(window.location.pathname);
  var files = Array.prototype.map.call(
    document.querySelectorAll("link[rel=stylesheet], link[rel=icon], script[src]"),
    function (node) {
      var url = new URL(node.href || node.src, window.location.href);
      return url.pathname + url.search;
    });
  files = files.concat((keepList.getAttribute("data-keep-files") || "").split(" ").filter(Boolean));
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.kept) {
      document.documentElement.setAttribute("data-offline-ready", "1");
      var note = document.querySelector(".offline-ready");
      if (note) { note.hidden = false; }
    }
  });
  navigator.serviceWorker.ready.then(function (registration) {
    registration.active.postMessage({pages: pages, files: files});
  });
})();
