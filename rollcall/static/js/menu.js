/* The staff's menu on a phone: one line with a Menu button that opens the site menu. Without
   this script the menu simply shows in full (the CSS folds it only under html.js-menu). */
"use strict";
document.documentElement.classList.add("js-menu");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-button");
  if (!button) { return; }
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  });
});
