// Household form: "添加成员" appends a blank member from the formset's empty form.
(function () {
  "use strict";
  document.querySelectorAll("button.add-member").forEach(function (button) {
    var prefix = button.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("member-template");
    var target = document.getElementById("member-forms");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      target.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = target.lastElementChild;
      var first = added && added.querySelector("input:not([type=hidden])");
      if (first) { first.focus(); }
    });
  });
})();
