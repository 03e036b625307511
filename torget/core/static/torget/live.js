// Live pages: the chat page, its projector view and the two staff consoles.
// Progressive enhancement only: every page works without this file (reload to see news).
//
// The page was rendered at some event number and subscribes from there (?last_event_id=N in
// data-live-url); the browser's EventSource resends the last id it received when it
// reconnects, so the server replays exactly what was missed. Public events carry ready HTML
// in every language; staff events only say which question changed, and the console fetches
// that question's fragment.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-root]");
  if (!root || !window.EventSource || !window.fetch) { return; }
  var lang = document.documentElement.lang || "en";
  var mode = root.getAttribute("data-live-mode");
  var statusLine = root.querySelector("[data-live-status]");
  var announcer = root.querySelector("[data-live-announcer]");
  var messageBox = root.querySelector("[data-live-messages]");

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }
  function localised(map) {
    if (!map) { return ""; }
    return map[lang] || map[lang.slice(0, 2)] || map.en || "";
  }
  function setStatus(text) {
    if (!statusLine) { return; }
    statusLine.textContent = text;
    statusLine.hidden = !text;
  }
  function say(text, ok) {
    if (!messageBox) { return; }
    var line = document.createElement("p");
    line.className = "message " + (ok ? "message-success" : "message-error");
    line.textContent = text;
    messageBox.replaceChildren(line);
  }
  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function hideEmpty(list) {
    var section = list.closest("section") || root;
    var empty = section.querySelector("[data-live-empty]");
    if (empty) { empty.hidden = list.children.length > 0; }
  }

  // The public page and the projector -------------------------------------------------------
  function addPair(payload) {
    if (document.getElementById("qa-" + payload.ref)) { return; }  // already on the page
    var html = localised(payload.html);
    root.querySelectorAll("[data-live-pairs]").forEach(function (list) {
      var item = fragment(html);
      if (list.getAttribute("data-order") === "newest-first") { list.prepend(item); }
      else { list.append(item); }
      hideEmpty(list);
    });
    var waiting = document.getElementById("w-" + payload.ref);
    if (waiting) { waiting.remove(); }
    if (announcer) { announcer.textContent = localised(payload.announce); }
  }
  function addWaiting(payload) {
    var list = root.querySelector("[data-live-waiting]");
    if (!list || document.getElementById("w-" + payload.ref)) { return; }
    var item = fragment(localised(payload.html));
    item.querySelectorAll("[data-csrf]").forEach(function (input) { input.value = csrfToken(); });
    list.append(item);
  }
  function removeWaiting(payload) {
    var item = document.getElementById("w-" + payload.ref);
    if (item) { item.remove(); }
  }
  function closed(payload) {
    var form = root.querySelector("form[action$='/ask/']");
    if (form) { form.replaceWith(fragment(localised(payload.html))); }
    root.querySelectorAll("[data-live-waiting] form").forEach(function (f) { f.remove(); });
  }

  // The consoles ----------------------------------------------------------------------------
  var itemUrl = root.getAttribute("data-item-url");
  var countersUrl = root.getAttribute("data-counters-url");

  function hasTyping(element) {
    return Array.prototype.some.call(
      element.querySelectorAll("textarea, input[type=text]"),
      function (field) { return field.value.trim() !== ""; }
    );
  }
  function place(item) {
    var list = root.querySelector("[data-live-section='" + item.getAttribute("data-section") + "']");
    if (!list) { return false; }
    if (item.getAttribute("data-section") === "handled") { list.prepend(item); }
    else if (item.getAttribute("data-section") === "pending") {
      var priority = Number(item.getAttribute("data-priority") || 0);
      var before = Array.prototype.find.call(list.children, function (other) {
        return Number(other.getAttribute("data-priority") || 0) < priority;
      });
      list.insertBefore(item, before || null);
    } else { list.append(item); }
    hideEmpty(list);
    return true;
  }
  function refreshItem(ref) {
    return fetch(itemUrl.replace("REF", encodeURIComponent(ref)), {
      credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (response.status !== 200 && response.status !== 204) { return; }
      return response.text().then(function (html) {
        var existing = document.getElementById("q-" + ref);
        if (existing && hasTyping(existing)) { return; }  // never throw away what someone typed
        var hadFocus = existing && existing.contains(document.activeElement);
        var oldList = existing ? existing.parentElement : null;
        if (existing) { existing.remove(); }
        if (oldList) { hideEmpty(oldList); }
        if (response.status === 204 || !html.trim()) { return; }
        var item = fragment(html);
        if (place(item) && hadFocus) { item.focus(); }
      });
    });
  }
  function refreshCounters() {
    var box = root.querySelector("[data-live-counters]");
    if (!box || !countersUrl) { return; }
    fetch(countersUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) { box.replaceWith(fragment(html)); } });
  }
  function refreshAll() {
    root.querySelectorAll("[data-ref]").forEach(function (item) {
      refreshItem(item.getAttribute("data-ref"));
    });
    refreshCounters();
  }
  function nextFocus(item) {
    var next = item && (item.nextElementSibling || item.previousElementSibling);
    if (next) { next.focus(); }
  }

  if (mode === "console") {
    root.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.hasAttribute || !form.hasAttribute("data-live-step")) { return; }
      event.preventDefault();
      var item = form.closest("[data-ref]");
      var ref = item ? item.getAttribute("data-ref") : null;
      var sent = form.querySelectorAll("button");
      sent.forEach(function (button) { button.disabled = true; });
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() }
      }).then(function (response) {
        return response.json().then(function (answer) {
          say(answer.message, answer.ok);
          if (answer.ok && item) {
            form.reset();
            nextFocus(item);
          }
        });
      }).catch(function () {
        say(root.getAttribute("data-text-failed") || "", false);
      }).then(function () {
        sent.forEach(function (button) { button.disabled = false; });
        if (ref) { refreshItem(ref); }
        refreshCounters();
      });
    });
  }

  // The stream --------------------------------------------------------------------------------
  var source = new EventSource(root.getAttribute("data-live-url"));
  source.addEventListener("open", function () { setStatus(root.getAttribute("data-text-live")); });
  source.addEventListener("error", function () {
    setStatus(root.getAttribute("data-text-reconnecting"));
  });
  function on(kind, handler) {
    source.addEventListener(kind, function (event) { handler(JSON.parse(event.data)); });
  }
  if (mode === "console") {
    on("question.changed", function (payload) { refreshItem(payload.ref); refreshCounters(); });
    on("chat.closed", refreshAll);
    on("chat.changed", refreshAll);
  } else {
    on("qa.published", addPair);
    on("question.waiting", addWaiting);
    on("question.left", removeWaiting);
    on("chat.closed", closed);
  }
})();
