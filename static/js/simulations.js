/* The per-county chart of a policy scenario (issue 17): eligible households before and after as bars,
   projected incidence before and after as lines, drawn with the vendored ECharts from the figures the
   page embeds as JSON (#simulation-data). */
(function () {
  "use strict";
  var el = document.getElementById("simulation-data");
  var node = document.getElementById("chart-counties");
  if (!el || !node || typeof echarts === "undefined") return;
  var data = JSON.parse(el.textContent);
  var L = data.labels || {};
  var rows = data.counties || [];
  function fmt(v) {
    if (v == null || isNaN(v)) return "—";
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }
  var chart = echarts.init(node, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: fmt },
    legend: { top: 0 },
    grid: { left: 10, right: 10, bottom: 10, top: 60, containLabel: true },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
    yAxis: [{ type: "value", axisLabel: { formatter: fmt } }, { type: "value", name: "%", axisLabel: { formatter: fmt } }],
    series: [
      { name: L.before, type: "bar", data: rows.map(function (r) { return r.before; }) },
      { name: L.after, type: "bar", data: rows.map(function (r) { return r.after; }) },
      { name: L.incidence_before, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.incidence_before; }) },
      { name: L.incidence_after, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.incidence_after; }) }
    ]
  });
  node.setAttribute("data-rendered", "1");
  window.addEventListener("resize", function () { chart.resize(); });
})();
