/* Keyboard-first review: a single key presses the button (or focuses the field) whose
   data-key attribute lists it, e.g. <button data-key="n j">.  Keys are ignored while typing
   in a field; Esc leaves the field.  No framework, no network: served from /static. */
(function () {
  "use strict";
  var busy = false;

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function target(key) {
    var els = document.querySelectorAll("[data-key]");
    for (var i = 0; i < els.length; i++) {
      if (els[i].getAttribute("data-key").split(" ").indexOf(key) >= 0) return els[i];
    }
    return null;
  }

  document.addEventListener("submit", function () { busy = true; }, true);
  window.addEventListener("pageshow", function () { busy = false; });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var active = ev.target;
    if (typing(active)) {
      if (ev.key === "Escape") { active.blur(); ev.preventDefault(); }
      return;
    }
    if (busy || !ev.key || ev.key.length !== 1) return;
    var el = target(ev.key.toLowerCase() === ev.key ? ev.key : ev.key.toLowerCase());
    if (!el || el.disabled || el.getAttribute("aria-disabled") === "true") return;
    ev.preventDefault();
    if (typing(el)) {
      el.focus();
      if (el.select) el.select();
    } else {
      el.click();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("[aria-invalid='true']");
    if (bad) bad.focus();
  });
})();
