// The paste form's text has a limit (the box's data-max-chars, ARTICLE_MAX_CHARS). A maxlength
// would have the browser cut a longer paste without a word, and the desk store an article that
// stops mid-sentence; sent whole, a text far past the limit is too large for the desk to read
// (a 413) and the box came back empty. So a longer text is not sent: it stays in the box, which
// says how long it is and what the limit is, in the words the desk uses when it refuses one.
// Counted as the desk counts: composed (NFC), a line break as one, characters rather than
// UTF-16 units, surrounding blank space left out. Without JavaScript the desk refuses it after
// it is sent (articles.services).
(function () {
  "use strict";
  var box = document.querySelector("textarea[data-max-chars]");
  if (!box || !box.form) return;
  var limit = Number(box.getAttribute("data-max-chars"));
  var errorId = box.id + "_error";

  function length(text) {
    var pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return text.length - (pairs ? pairs.length : 0);
  }

  function say(message) {
    var field = box.closest(".field");
    var error = document.getElementById(errorId);
    if (!error) {
      error = document.createElement("div");
      error.id = errorId;
      field.appendChild(error);
    }
    error.setAttribute("role", "alert");
    error.textContent = "";
    var line = document.createElement("p");
    line.className = "error";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = "Error: ";
    line.appendChild(hidden);
    line.appendChild(document.createTextNode(message));
    error.appendChild(line);
    field.classList.add("has-error");
    box.setAttribute("aria-invalid", "true");
    var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(errorId) === -1) described.push(errorId);
    box.setAttribute("aria-describedby", described.join(" "));
  }

  box.form.addEventListener("submit", function (event) {
    var text = box.value.normalize("NFC").replace(/\r\n?/g, "\n").trim();
    var count = length(text);
    if (count <= limit) return;
    event.preventDefault();
    say(
      "The article text has " + count.toLocaleString("en") + " characters; the maximum is " +
      limit.toLocaleString("en") + ". Nothing was sent: shorten it, then submit again."
    );
    box.focus();
  });
})();
