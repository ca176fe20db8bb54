/* Scorecards, annual reports and the public statistics page (issue 18): each
 * <canvas class="govopen-sc-chart" data-chart='{"type", "labels", "datasets": [{label, data}],
 * "percent"}'> becomes a Chart.js chart (vendored, assets/vendor). The page's figures come
 * from the server (govopen_scorecard / govopen_public_stats); nothing is computed here. */
(function () {
  "use strict";
  var COLORS = ["#c0392b", "#2b6cb0", "#38a169", "#d69e2e", "#805ad5", "#319795", "#718096"];
  function draw(canvas) {
    var spec;
    try { spec = JSON.parse(canvas.getAttribute("data-chart")); } catch (e) { return; }
    var holder = canvas.parentNode;
    holder.style.position = "relative";
    holder.style.height = (spec.height || 320) + "px";
    // a doughnut has one colour per segment and no axes (walk 2026-12-06, finding 24:
    // three segments in the same red over a 0-1 grid)
    var round = spec.type === "doughnut" || spec.type === "pie";
    var datasets = spec.datasets.map(function (d, i) {
      var c = COLORS[i % COLORS.length];
      if (round) {
        return {label: d.label, data: d.data, borderColor: "#fff",
                backgroundColor: spec.labels.map(function (_, j) { return COLORS[(j + 1) % COLORS.length]; })};
      }
      return {label: d.label, data: d.data, borderColor: c, backgroundColor: spec.type === "line" ? c : c + "cc",
              yAxisID: d.axis || "y", type: d.type || undefined, spanGaps: true};
    });
    var pct = function (v) { return spec.percent ? Math.round(v * 100) + "%" : v; };
    var scales = {y: {beginAtZero: true, max: spec.percent ? 1 : undefined, ticks: {callback: pct}}};
    if (spec.datasets.some(function (d) { return d.axis === "y2"; })) {
      scales.y2 = {beginAtZero: true, position: "right", grid: {drawOnChartArea: false}};
    }
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: {labels: spec.labels, datasets: datasets},
      options: {animation: false, responsive: true, maintainAspectRatio: false, scales: round ? {} : scales,
        plugins: {tooltip: {callbacks: {label: function (ctx) {
          return ctx.dataset.label + ": " + (ctx.raw === null ? "—" : pct(ctx.raw)); }}}}}
    });
  }
  function init() {
    var all = document.querySelectorAll("canvas.govopen-sc-chart");
    for (var i = 0; i < all.length; i++) { draw(all[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
