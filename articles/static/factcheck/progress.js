// Polls the article's analysis status until it is done or failed, then reloads once so the
// sentences and claims appear. Without JavaScript the page still works with a manual reload.
(function () {
  "use strict";
  var box = document.getElementById("analysis");
  if (!box || box.dataset.inProgress !== "true") return;
  var label = document.getElementById("analysis-status");
  var errorBox = document.getElementById("analysis-error");
  var delay = 1500;
  var polls = window.factcheckPolls;  // polls.js

  function refused(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return polls.read(response, "The analysis status cannot be read: reload this page.", refused);
      })
      .then(function (data) {
        if (data === polls.STOP) return;
        if (data) {
          label.textContent = data.label;
          label.className = "status status-" + data.status;
          if (data.error) { errorBox.textContent = data.error; errorBox.hidden = false; }
          if (data.finished) { window.location.reload(); return; }
        }
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
