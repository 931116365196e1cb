/* Rollcall's service worker: Today and the check pages a teacher opened (or that Today lists)
   open without signal. Pages: network first, the last copy when the network fails. Static
   files: their URLs carry a hash of the file (?v=), so a cached copy is always right. Saves
   (POST) are never touched here: the page keeps unsent taps itself (checks.js). Only today's
   pages are kept: when Today lists its check pages, the other days' copies go. Signing out,
   or the sign-in page (a session that ended), forgets every cached page: the next person on
   a shared phone sees none of them.
   Each page says which sign-in it was made for (the Rollcall-Session header, kept with the
   copy), and the rollcall_sw cookie which sign-in this browser holds now: it goes with the
   session, when the browser closes or when any answer finds the session ended (rollcall/auth/
   session_mark.py). A copy opens only while the two agree; a page that arrives after its
   sign-in ended is not kept; an answer that says "signed out" forgets every page. */
"use strict";
var PAGES = "rollcall-pages-v1";
var STATIC = "rollcall-static-v1";
var OFFLINE_PAGE = /^\/homerooms\/\d+\/(today|checks\/\d{4}-\d{2}-\d{2}\/(bag|attendance|dismissal))$/;
var MARK = "Rollcall-Session";
var SIGNED_OUT = "none";
var forgotten = 0;  // how many times the pages were forgotten since the worker started

/* The sign-in this browser holds now: its mark, "none", or null when the browser cannot say
   (no cookieStore): then the copies open as before. */
function signedInAs() {
  if (!self.cookieStore) { return Promise.resolve(null); }
  return self.cookieStore.get("rollcall_sw").then(function (cookie) {
    return cookie ? cookie.value : SIGNED_OUT;
  }, function () { return null; });
}

function forgetPages() {
  forgotten += 1;
  return caches.delete(PAGES);
}

/* At start-up (the browser was closed, or the worker slept): no sign-in, no pages. */
signedInAs().then(function (now) {
  if (now === SIGNED_OUT) { return forgetPages(); }
});

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keep(cacheName, request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    return caches.open(cacheName).then(function (cache) {
      return cache.put(request, copy);
    }).then(function () { return response; });
  }
  return Promise.resolve(response);
}

/* A page from the server: kept only while the sign-in it was made for is still this
   browser's and nothing was forgotten since it was asked for (a sign-out while it was on its
   way); an answer that says "signed out" forgets every page. */
function keepPage(key, response, asked) {
  var made = response && response.headers.get(MARK);
  if (made === SIGNED_OUT) { return forgetPages().then(function () { return response; }); }
  if (!made) { return Promise.resolve(response); }
  return signedInAs().then(function (now) {
    if (forgotten !== asked || (now !== null && now !== made)) { return response; }
    return keep(PAGES, key, response);
  });
}

/* The kept copy, if it belongs to the sign-in this browser holds now; else every copy goes. */
function keptPage(key) {
  return Promise.all([caches.match(key), signedInAs()]).then(function (found) {
    var hit = found[0], now = found[1];
    if (!hit) { return Response.error(); }
    if (now !== null && hit.headers.get(MARK) !== now) {
      return forgetPages().then(function () { return Response.error(); });
    }
    return hit;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if ((request.method === "POST" && url.pathname === "/logout") ||
      (request.mode === "navigate" && url.pathname === "/login")) {
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        return keep(STATIC, request, response);
      });
    }));
    return;
  }
  if (OFFLINE_PAGE.test(url.pathname) && request.mode === "navigate") {
    var key = url.origin + url.pathname, asked = forgotten;
    event.respondWith(fetch(request).then(function (response) {
      return keepPage(key, response, asked);
    }, function () {
      return keptPage(key);
    }));
  }
});

/* The check pages of other days than those of the pages Today lists (its own, today's). */
var DAY = /\/checks\/(\d{4}-\d{2}-\d{2})\//;
function pruneOtherDays(pages) {
  var days = pages.map(function (path) { return (DAY.exec(path) || [])[1]; }).filter(Boolean);
  if (!days.length) { return Promise.resolve(); }
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        var day = DAY.exec(new URL(request.url).pathname);
        return day && days.indexOf(day[1]) === -1;
      }).map(function (request) { return cache.delete(request); }));
    });
  });
}

/* A check page saved in place (checks.js) gives its copy as it now stands, so that opening
   it without signal shows the save: only over a copy kept already, which keeps its headers. */
function keepSaved(data) {
  var key = self.location.origin + data.saved;
  if (!OFFLINE_PAGE.test(data.saved)) { return Promise.resolve(); }
  return Promise.all([caches.open(PAGES), signedInAs()]).then(function (opened) {
    var cache = opened[0], now = opened[1];
    return cache.match(key).then(function (kept) {
      if (!kept || (now !== null && kept.headers.get(MARK) !== now)) { return null; }
      return cache.put(key, new Response(data.html, {headers: kept.headers}));
    });
  });
}

/* Today asks for its check pages and the page's static files to be kept for later. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.saved && typeof data.html === "string") {
    event.waitUntil(keepSaved(data));
    return;
  }
  if (!data.pages) { return; }
  var source = event.source;
  event.waitUntil(pruneOtherDays(data.pages).then(function () {
    return keepAll(data);
  }).then(function () {
    if (source) { source.postMessage({kept: data.pages.length}); }
  }, function () {
    if (source) { source.postMessage({kept: 0}); }
  }));
});

function keepAll(data) {
  var asked = forgotten;
  return Promise.all(data.pages.map(function (path) {
    var key = self.location.origin + path;
    return fetch(key, {credentials: "same-origin"}).then(function (response) {
      return keepPage(key, response, asked);
    });
  }).concat((data.files || []).map(function (path) {
    var key = self.location.origin + path;
    return caches.match(key).then(function (hit) {
      return hit || fetch(key).then(function (response) {
        return keep(STATIC, key, response);
      });
    });
  })));
}
