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
