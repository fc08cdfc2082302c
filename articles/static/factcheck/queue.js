// The queue's "select every claim on this page" box; without JavaScript each row is ticked alone.
(function () {
  "use strict";
  var all = document.querySelector("[data-select-all]");
  if (!all) return;
  var boxes = document.querySelectorAll("[data-claim-box]");
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
