/* Kolada KPI search in the indicator form (kolada/_kpi_search_widget.html).
 *
 * - Shows the search box (hidden without JavaScript and htmx; the link to the
 *   search page works without them).
 * - Enter in the search box searches instead of submitting the form.
 * - "Välj" on a result (button[data-kolada-id]) fills #id_kolada_kpi, selects
 *   "kolada" in #id_source when there is such a choice, moves focus to the
 *   Kolada-id field and says what happened in #kolada-sok-status.
 *
 * No inline script and no eval, so it works under a strict Content Security
 * Policy. The texts come from the template (data-chosen, data-chosen-source).
 */
(function () {
  "use strict";

  function announce(text) {
    var status = document.getElementById("kolada-sok-status");
    if (!status) return;
    // Empty first, so the same text twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 100);
  }

  function fire(element, type) {
    element.dispatchEvent(new Event(type, { bubbles: true }));
  }

  function choose(button) {
    var field = document.getElementById("id_kolada_kpi");
    if (!field) return;
    var widget = button.closest("[data-kolada-search]") || document.body;
    var id = button.getAttribute("data-kolada-id");
    var title = button.getAttribute("data-kolada-title") || "";
    field.value = id;
    fire(field, "input");
    fire(field, "change");
    var sourceSet = false;
    var source = document.getElementById("id_source");
    if (source && source.querySelector('option[value="kolada"]')) {
      if (source.value !== "kolada") {
        source.value = "kolada";
        fire(source, "change");
      }
      sourceSet = true;
    }
    field.focus();
    var template = widget.getAttribute(sourceSet ? "data-chosen-source" : "data-chosen") ||
      "{id}: {title}";
    announce(template.replace("{id}", id).replace("{title}", title));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-kolada-id]");
    if (button) {
      event.preventDefault();
      choose(button);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.id === "kolada-sok") {
      event.preventDefault(); // not the indicator form's submit
      fire(event.target, "search");
    }
  });

  function init() {
    if (!window.htmx) return; // without htmx the box could not search
    var hidden = document.querySelectorAll("[data-kolada-search] [data-kolada-needs-js]");
    for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
