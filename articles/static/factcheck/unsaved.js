// Asks before leaving a page whose verdict, note or comment holds text that is not saved: the
// claim page has several forms, and submitting one (adding a note, assigning the claim) or
// following a link used to drop what was typed in another. A form marked
// data-unsaved-warning="typed" came back from a refused save and holds unsaved text from the
// start. The form being submitted is not asked about; without JavaScript nothing changes.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) return;
  var submitting = null;

  function changed(form) {
    if (form.getAttribute("data-unsaved-warning") === "typed") return true;
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
        return false;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
      }
      return field.value !== field.defaultValue;
    });
  }

  document.addEventListener("submit", function (event) { submitting = event.target; });
  window.addEventListener("beforeunload", function (event) {
    var unsaved = Array.prototype.some.call(forms, function (form) {
      return form !== submitting && changed(form);
    });
    submitting = null;
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers show the dialog only when this is set
  });
})();
