// Office pages: the board refreshes its content every minute; the work log has a print button.
(function () {
  "use strict";

  function refreshBoard(board) {
    var url = board.getAttribute("data-refresh-url");
    var seconds = parseInt(board.getAttribute("data-refresh-seconds"), 10) || 60;
    function load() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          // Signed out (a redirect to the sign-in page) or an error: keep what is shown.
          if (!response.ok || response.redirected) { return null; }
          return response.text();
        })
        .then(function (html) {
          if (html !== null) { board.innerHTML = html; }
        })
        .catch(function () { /* offline for a moment: try again next minute */ });
    }
    window.setInterval(load, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (board) { refreshBoard(board); }
    var print = document.querySelector("[data-print]");
    if (print) { print.addEventListener("click", function () { window.print(); }); }
  });
})();
