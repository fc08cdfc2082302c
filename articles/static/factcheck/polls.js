// What the desk's progress pages (progress.js, intake.js) share when they poll a status: one
// reading of the answer, so they stop on the same answers. Load it before them.
window.factcheckPolls = (function () {
  "use strict";
  // What read() gives for a refused poll: the caller stops polling.
  var STOP = {};

  // Logged out, the role gone, the row deleted (401, 403, 404): polling again will not help,
  // so show(why), in the answer's own words (else `fallback`), and stop. A server error (5xx)
  // gives null, and the caller polls again later. An answer that is fine gives its JSON.
  function read(response, fallback, show) {
    if (response.ok) return response.json();
    if (response.status < 400 || response.status >= 500) return null;
    return response.json().catch(function () { return {}; }).then(function (data) {
      show(data.detail || fallback);
      return STOP;
    });
  }

  return { read: read, STOP: STOP };
})();
