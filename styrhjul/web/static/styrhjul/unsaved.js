/* A warning before leaving a page with text typed into a form and not saved.
   A form counts as changed when one of its fields is edited, and as saved when
   it is submitted (also by htmx); a form that comes back with an error or an
   edit conflict still holds what was typed, so it counts as changed again.
   Search and filter forms (method get) and forms marked
   data-unsaved-warning="off" are left out. */
(function () {
  "use strict";
  var CHANGED = "unsavedChanges";

  function watched(form) {
    return form && form.method === "post" && form.dataset.unsavedWarning !== "off";
  }

  function markErrors(root) {
    if (!root || !root.querySelectorAll) return;
    var forms = root.tagName === "FORM" ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (watched(form) && form.querySelector(".error-summary, .conflict, [aria-invalid=true]")) {
        form.dataset[CHANGED] = "1";
      }
    });
  }

  function onEdit(event) {
    var form = event.target.form;
    if (watched(form)) form.dataset[CHANGED] = "1";
  }

  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);
  document.addEventListener("submit", function (event) {
    if (event.target.dataset) delete event.target.dataset[CHANGED];
  }, true);
  document.addEventListener("DOMContentLoaded", function () { markErrors(document); });
  document.addEventListener("htmx:load", function (event) { markErrors(event.target); });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("form[data-unsaved-changes]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
