// Behaviour shared by every page, kept out of the templates so the Content-Security-Policy can forbid
// inline script (issue 12): elements opt in with data attributes.
(function () {
  "use strict";
  // A filter <select data-autosubmit> submits its form when changed.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  // A <button data-print> prints the page.
  document.addEventListener("click", function (ev) {
    var el = ev.target instanceof Element ? ev.target.closest("[data-print]") : null;
    if (el) window.print();
  });
  // Forms rendered field by field with Django's defaults get Bootstrap's control classes.
  document.querySelectorAll("form[data-bootstrap-controls]").forEach(function (form) {
    form.querySelectorAll("input:not([type=hidden]), textarea").forEach(function (e) {
      e.classList.add("form-control", "form-control-sm");
    });
  });
})();
