// Keeps the "fewer than two independent sources" warning in step with the source URLs as they
// are typed. The server computes the same count when the page loads.
(function () {
  "use strict";
  var fieldset = document.querySelector("[data-source-fieldset]");
  var warning = document.querySelector("[data-domain-warning]");
  if (!fieldset || !warning) return;
  var count = warning.querySelector("[data-domain-count]");

  function update() {
    var domains = new Set();
    fieldset.querySelectorAll('input[type="url"]').forEach(function (input) {
      var value = input.value.trim();
      // An address typed without its scheme is saved as https (the form's assume_scheme).
      if (value && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) value = "https://" + value;
      try {
        var host = new URL(value).hostname.toLowerCase();
        if (host) domains.add(host.replace(/^www\./, ""));
      } catch (error) { /* not a URL yet */ }
    });
    count.textContent = domains.size + " distinct domain" + (domains.size === 1 ? "" : "s");
    // The server's rule (claims.selectors.sources_need_another): none given yet is no warning.
    warning.hidden = domains.size === 0 || domains.size >= Number(warning.dataset.independentSources);
  }
  fieldset.addEventListener("input", update);
  update();
})();
