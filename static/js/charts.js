/* Draws the dashboard's plotly figures from the page's json_script data; no inline scripts. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (source && window.Plotly) {
    var figures = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var fig = figures[el.dataset.chart];
      if (!fig) { return; }
      window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, { responsive: true, displaylogo: false });
      el.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var url = point && point.customdata;
        if (Array.isArray(url)) { url = url[0]; }
        if (typeof url === "string" && url.charAt(0) === "/") { window.location.href = url; }
      });
    });
  }
  document.querySelectorAll(".js-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = document.getElementById(button.getAttribute("aria-controls"));
      var open = table.hasAttribute("hidden");
      if (open) { table.removeAttribute("hidden"); } else { table.setAttribute("hidden", ""); }
      button.setAttribute("aria-expanded", open ? "true" : "false");
      // The label says what a click does: the page gives both texts (translated) as data attributes.
      var label = open ? button.dataset.hideLabel : button.dataset.showLabel;
      if (label) { button.textContent = label; }
    });
  });
  document.querySelectorAll(".js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.data && window.Plotly) { window.Plotly.Plots.resize(el); }
    });
  });
}());
