// Moderation desk: single-key shortcuts so that a moderator never needs the mouse.
// Elements carry data-key="p" (etc.): a link is followed, a button pressed, a field focused.
// No inline script (CSP); shortcuts are ignored while typing in a field.
(function () {
  "use strict";

  function isField(element) {
    if (!element || !element.tagName) { return false; }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  // Typing: the key went to a field, or a field has the focus (whatever the event target).
  function typing(event) {
    return event.isComposing || isField(event.target) || isField(document.activeElement);
  }

  // The first field a person types in: never the hidden CSRF input that comes first.
  function firstField(container) {
    return container.querySelector(
      "textarea, select, input:not([type=hidden]):not([type=submit]):not([type=button])"
    );
  }

  function focusField(field) {
    field.focus();
    if (field.tagName === "TEXTAREA" && typeof field.setSelectionRange === "function") {
      field.setSelectionRange(field.value.length, field.value.length);
    }
  }

  function activate(element) {
    if (element.tagName === "A") {
      window.location.href = element.href;
    } else if (element.tagName === "BUTTON") {
      element.click();
    } else if (element.tagName === "SUMMARY") {
      element.parentElement.open = true;
      var field = firstField(element.parentElement);
      if (field) { focusField(field); } else { element.focus(); }
    } else {
      element.focus();
    }
  }

  function moveInQueue(step) {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-queue-link]"));
    if (!links.length) { return false; }
    var index = links.indexOf(document.activeElement);
    var next = links[Math.max(0, Math.min(links.length - 1, index + step))];
    next.focus();
    return true;
  }

  function toggleRow() {
    var row = document.activeElement.closest("tr");
    var box = row && row.querySelector("input[type=checkbox]");
    if (box) { box.checked = !box.checked; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event)) { document.activeElement.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    var key = event.key;
    if ((key === "j" || key === "k") && moveInQueue(key === "j" ? 1 : -1)) {
      event.preventDefault();
      return;
    }
    if (key === "x") { toggleRow(); event.preventDefault(); return; }
    var element = document.querySelector('[data-key="' + key + '"]');
    if (element) {
      event.preventDefault();
      activate(element);
    }
  });

  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = all.checked; });
    });
  }
  // Tells tests (and assistive scripts) that the single-key shortcuts now answer.
  document.documentElement.dataset.shortcuts = "ready";
}());
