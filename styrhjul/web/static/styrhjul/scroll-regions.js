/* A table wider than its box scrolls inside .table-wrap. So that the scroll
   can be reached with the keyboard (WCAG 2.1.1), a wrapper that overflows is
   made a focusable region named after its table's caption; one that no longer
   overflows (a wider window) loses it again. Wrappers that set tabindex
   themselves are left as they are. */
(function () {
  "use strict";

  function name(wrap) {
    var caption = wrap.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return text || "Tabell";
  }

  function update(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll(".table-wrap"), function (wrap) {
      var ours = wrap.dataset.scrollRegion === "1";
      if (wrap.hasAttribute("tabindex") && !ours) return;
      if (wrap.scrollWidth > wrap.clientWidth) {
        if (!ours) {
          wrap.dataset.scrollRegion = "1";
          wrap.setAttribute("tabindex", "0");
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", name(wrap));
        }
      } else if (ours) {
        delete wrap.dataset.scrollRegion;
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () {
      pending = null;
      update(document);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { update(document); });
  window.addEventListener("load", later);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", function (event) { update(event.target); });
})();
