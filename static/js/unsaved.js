/* Switching language reloads the page: warn first when a form on it has unsaved input. No inline code (CSP). */
(function () {
  "use strict";
  var switcher = document.querySelector("form.langswitch");
  if (!switcher) { return; }
  var dirty = false;
  document.querySelectorAll("form").forEach(function (form) {
    if (form === switcher || form.method.toLowerCase() !== "post") { return; }
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  switcher.addEventListener("submit", function (event) {
    if (dirty && !window.confirm(switcher.dataset.unsavedMessage)) { event.preventDefault(); }
  });
}());
