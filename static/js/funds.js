/* Draws the funds page's charts from the JSON the page carries (#funds-charts); no inline code. */
(function () {
  "use strict";
  var source = document.getElementById("funds-charts");
  if (!source || typeof Plotly === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var palette = ["#8b1a1a", "#1d4ed8", "#2e7d32", "#b58900", "#6b21a8", "#0f766e", "#c2410c", "#475569", "#be185d"];

  function label(chart, key) {
    for (var i = 0; i < chart.columns.length; i++) {
      if (chart.columns[i][0] === key) { return chart.columns[i][1]; }
    }
    return key;
  }

  function draw(chart) {
    var el = document.querySelector('[data-chart="' + chart.key + '"]');
    if (!el) { return; }
    if (!chart.rows.length) { el.textContent = el.getAttribute("data-empty") || "—"; return; }
    var x = chart.rows.map(function (r) { return String(r[chart.x]); });
    var traces = chart.series.map(function (key, i) {
      return {
        type: "bar", name: label(chart, key), x: x, marker: { color: palette[i % palette.length] },
        y: chart.rows.map(function (r) { return r[key]; })
      };
    });
    var layout = {
      margin: { t: 10, r: 10, b: 60, l: 60 }, height: 320, legend: { orientation: "h", y: -0.25 },
      barmode: chart.kind === "stacked" ? "stack" : "group", xaxis: { type: "category" }
    };
    if (chart.line !== undefined) {
      layout.shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: chart.line, y1: chart.line,
                         line: { color: "#c62828", dash: "dash" } }];
      layout.annotations = [{ xref: "paper", x: 1, y: chart.line, text: chart.line_label, showarrow: false,
                              yanchor: "bottom", xanchor: "right", bgcolor: "rgba(255,255,255,0.85)",
                              font: { color: "#c62828" } }];
      layout.yaxis = { range: [0, 100] };
    }
    Plotly.newPlot(el, traces, layout, { displaylogo: false, responsive: true });
  }

  charts.forEach(draw);
})();
