// Progressive enhancement only: every page works without this file.
// Moderation queues (contributions and live-chat questions): keyboard shortcuts j/k move
// between items, a approves (or publishes), r focuses the rules of the current item, and the
// digits 1-9 press the item's button with that data-assign-key (hand to politician N).
// Ignored while typing in a field, and -- WCAG 2.1.4, character key shortcuts -- active only
// while a queue item or something in it has focus, so a stray key press elsewhere on the
// page (or a word spoken to speech input) never approves anything. Items are looked up on
// every key press, because live consoles add and remove them.
(function () {
  "use strict";
  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-item]"));
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "radio") {
      return;
    }
    var host = target && target.closest ? target.closest("[data-queue-item]") : null;
    if (!host) { return; }
    var all = items();
    var current = all.indexOf(host);
    var press = function (selector) {
      var control = host.querySelector(selector);
      if (control) { control.click(); event.preventDefault(); }
    };
    if (event.key === "j" && current + 1 < all.length) {
      all[current + 1].focus(); event.preventDefault();
    } else if (event.key === "k" && current > 0) {
      all[current - 1].focus(); event.preventDefault();
    } else if (event.key === "a") {
      press("[data-approve]");
    } else if (event.key === "r") {
      var rule = host.querySelector("[name=rules]");
      if (rule) { rule.focus(); event.preventDefault(); }
    } else if (/^[1-9]$/.test(event.key)) {
      press("[data-assign-key='" + event.key + "']");
    }
  });
})();
