// Progressive enhancement only: every page works without this file.
// Moderation queue: keyboard shortcuts j/k move between items, a approves, r focuses the
// rules of the current item. Ignored while typing in a field, and -- WCAG 2.1.4, character key
// shortcuts -- active only while a queue item or something in it has focus, so a stray key
// press elsewhere on the page (or a word spoken to speech input) never approves anything.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-queue-item]"));
  if (!items.length) { return; }
  var current = 0;
  function focusItem(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items[current].focus();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName) && target.type !== "radio") {
      if (target.tagName !== "BUTTON") { return; }
    }
    var host = target && target.closest ? target.closest("[data-queue-item]") : null;
    if (!host) { return; }
    current = items.indexOf(host);
    var item = items[current];
    if (event.key === "j") { focusItem(current + 1); event.preventDefault(); }
    else if (event.key === "k") { focusItem(current - 1); event.preventDefault(); }
    else if (event.key === "a" && item) {
      var approve = item.querySelector("[data-approve]");
      if (approve) { approve.click(); event.preventDefault(); }
    } else if (event.key === "r" && item) {
      var rule = item.querySelector("input[name=rules]");
      if (rule) { rule.focus(); event.preventDefault(); }
    }
  });
  items.forEach(function (item, index) {
    item.addEventListener("focusin", function () { current = index; });
  });
})();
