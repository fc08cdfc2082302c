// Follows an intake job or a bulk import without a reload: the job's status and reason, the
// import's progress bar and counts. Without JavaScript the pages still work with a reload.
(function () {
  "use strict";
  var polls = window.factcheckPolls;  // polls.js

  function follow(box, update) {
    if (!box || box.dataset.inProgress !== "true") return;
    var delay = 1000;
    // After the box, not in it: the job's box is a <dl>, where a <p> may not go.
    function refused(message) {
      var note = document.createElement("p");
      note.className = "error";
      note.setAttribute("role", "alert");
      note.id = box.id + "-stopped";
      note.textContent = message;
      box.after(note);
    }
    function poll() {
      fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          return polls.read(response, "The status cannot be read: reload this page.", refused);
        })
        .then(function (data) {
          if (data === polls.STOP) return;
          if (data) {
            update(data);
            // A job is settled once its article's analysis has ended too; an import once the
            // jobs its URL rows queued have ended.
            if ("settled" in data ? data.settled : data.finished) { window.location.reload(); return; }
          }
          delay = Math.min(delay * 1.2, 5000);
          window.setTimeout(poll, delay);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, delay);
  }

  // The page writes its counts as 12,345 (intcomma); the JSON gives them as plain numbers.
  function count(value) {
    return Number(value).toLocaleString("en-US");
  }

  function setStatus(element, data) {
    element.textContent = data.label;
    element.className = "status status-" + data.status;
  }

  follow(document.getElementById("intake-job"), function (data) {
    setStatus(document.getElementById("intake-status"), data);
    document.getElementById("intake-reason").textContent = data.reason || "—";
  });

  follow(document.getElementById("import-progress"), function (data) {
    setStatus(document.getElementById("import-status"), data);
    var bar = document.getElementById("import-bar");
    if (data.total === null) {
      // Still counting: an indeterminate bar (no value), not "0 of 0".
      bar.removeAttribute("value");
      bar.textContent = "counting rows…";
      document.getElementById("import-total").textContent = "… (counting rows…)";
    } else {
      bar.max = data.total;
      bar.value = data.done;
      bar.textContent = count(data.done) + " of " + count(data.total);
      document.getElementById("import-total").textContent = count(data.total);
    }
    ["done", "stored", "queued", "skipped", "failed", "articles"].forEach(function (key) {
      document.getElementById("import-" + key).textContent = count(data[key]);
    });
    if (data.error) {
      var box = document.getElementById("import-error");
      box.textContent = data.error;
      box.hidden = false;
    }
  });
})();
