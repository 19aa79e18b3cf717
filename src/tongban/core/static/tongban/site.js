/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  // A select marked data-autosubmit, or a checkbox in a form so marked, submits its form on change (the
  // form still has a submit button). Here, not in the templates: the pages allow no inline script (CSP).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.form) return;
    if (el.matches("select[data-autosubmit]") || (el.type === "checkbox" && el.form.hasAttribute("data-autosubmit"))) {
      el.form.submit();
    }
  });
})();
