// Polls the article's analysis status until it is done or failed, then reloads once so the
// sentences and claims appear. Without JavaScript the page still works with a manual reload.
(function () {
  "use strict";
  var box = document.getElementById("analysis");
  if (!box || box.dataset.inProgress !== "true") return;
  var label = document.getElementById("analysis-status");
  var errorBox = document.getElementById("analysis-error");
  var delay = 1500;
  var STOP = {};

  // Logged out, the role gone, the article deleted (401, 403, 404): polling again will not
  // help, so say why, in the answer's own words, and stop. A server error is retried.
  function refused(response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      errorBox.textContent = data.detail || "The analysis status cannot be read: reload this page.";
      errorBox.hidden = false;
      return STOP;
    });
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) return response.json();
        return response.status >= 400 && response.status < 500 ? refused(response) : null;
      })
      .then(function (data) {
        if (data === STOP) return;
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
