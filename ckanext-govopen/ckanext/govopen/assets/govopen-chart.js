/* The chart view (issue 16): one numeric column against a date or text column (or the row
 * number), from datastore_search — the same API, and the same access policy, as every
 * other reader of the table. Settings come from the view's data-* attributes. */
(function () {
  "use strict";
  function draw(box) {
    var rid = box.getAttribute("data-resource-id");
    var x = box.getAttribute("data-x"), y = box.getAttribute("data-y");
    var kind = box.getAttribute("data-kind") || "line";
    var limit = parseInt(box.getAttribute("data-limit") || "500", 10);
    var api = box.getAttribute("data-api");
    var fields = x ? [x, y] : ["_id", y];
    var url = api + "?resource_id=" + encodeURIComponent(rid) +
      "&limit=" + limit + "&fields=" + encodeURIComponent(fields.join(",")) +
      "&sort=" + encodeURIComponent('"' + (x || "_id") + '"');
    var status = box.querySelector(".govopen-chart-status");
    fetch(url, {credentials: "same-origin"}).then(function (r) {
      return r.json().then(function (body) { return {ok: r.ok, body: body}; });
    }).then(function (res) {
      if (!res.ok || !res.body.success) {
        status.textContent = (res.body && res.body.error && res.body.error.message) ||
          box.getAttribute("data-error");
        return;
      }
      var recs = res.body.result.records;
      var labels = recs.map(function (r) { return String(r[x || "_id"]).slice(0, 19); });
      var values = recs.map(function (r) { return r[y] === null ? null : Number(r[y]); });
      status.textContent = box.getAttribute("data-caption").replace("{n}", recs.length);
      // Chart.js sizes itself to a positioned box (set here: no style attributes in
      // templates, so the Content-Security-Policy can stay strict)
      var holder = box.querySelector(".govopen-chart-canvas");
      holder.style.position = "relative";
      holder.style.height = "360px";
      new window.Chart(box.querySelector("canvas"), {
        type: kind,
        data: {labels: labels, datasets: [{label: y, data: values, borderColor: "#c0392b",
          backgroundColor: "rgba(192,57,43,0.35)", pointRadius: recs.length > 100 ? 0 : 2}]},
        options: {animation: false, responsive: true, maintainAspectRatio: false,
          scales: {x: {title: {display: true, text: x || "#"}},
                   y: {title: {display: true, text: y}}}}
      });
    }).catch(function () { status.textContent = box.getAttribute("data-error"); });
  }
  function init() {
    var boxes = document.querySelectorAll(".govopen-chart");
    for (var i = 0; i < boxes.length; i++) { draw(boxes[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
