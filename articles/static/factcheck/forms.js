// After a failed submit the page comes back with an error summary at the top of the form: focus
// moves to it so a screen reader reads it out and a keyboard user starts from it, and its links
// put the cursor in the field they name. Without JavaScript the summary is still announced
// (role=alert) and its links still scroll to the field.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var details = field.closest("details");
    if (details) details.open = true;
    field.focus();
  });
})();

// A POST form is sent once: a second click (or Enter) while the first is on its way is ignored
// and its submit buttons are disabled. The server answers with a new page, so a refused form
// comes back with fresh buttons. GET forms (filters, the CSV export, which stays on the page)
// are left alone. Without JavaScript the server's own checks stop a note or verdict sent twice.
(function () {
  "use strict";
  var sending = [];
  var turns = 0;
  // A page left while its request was still on its way (Stop, a failed connection) gets its
  // buttons back after this long, as does one kept after "Stay on page" (unsaved.js).
  var GIVE_BACK_MS = 10000;

  function buttons(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.type === "submit";
    });
  }

  function release(form) {
    sending = sending.filter(function (other) { return other !== form; });
    buttons(form).forEach(function (button) {
      if (button.hasAttribute("data-sending")) {
        button.disabled = false;
        button.removeAttribute("data-sending");
      }
    });
  }

  function releaseAll() { sending.slice().forEach(release); }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var method = (form.getAttribute("method") || "").toLowerCase();
    if (event.defaultPrevented || method !== "post") return;
    if (sending.indexOf(form) !== -1) {
      event.preventDefault();
      return;
    }
    sending.push(form);
    // Disabled only after this event: a button disabled now would drop out of what is sent,
    // and the verdict form's "Save and submit for review" is told apart by its name.
    window.setTimeout(function () {
      // A listener after this one may have stopped the submit: then nothing is on its way.
      if (event.defaultPrevented) release(form);
      if (sending.indexOf(form) === -1) return;
      buttons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-sending", "");
        }
      });
    }, 0);
    var turn = String(++turns);
    form.setAttribute("data-sending-turn", turn);
    window.setTimeout(function () {
      // Not a later send's lock: that one gets its own time.
      if (form.getAttribute("data-sending-turn") === turn) release(form);
    }, GIVE_BACK_MS);
  });

  // unsaved.js asks before leaving; the answer is not told to the page, and "Stay on page"
  // keeps it with the form unsent, so the form is ready to send again either way.
  window.addEventListener("beforeunload", function (event) {
    window.setTimeout(function () {
      if (event.defaultPrevented) releaseAll();
    }, 0);
  });
  // Back to a page kept in the browser's cache: it shows what it was left with.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) releaseAll();
  });
})();
