/* Charts and the incidence map of the report dashboard (§12), drawn with the vendored ECharts from
   the figures the page embeds as JSON (#report-data). Boundaries are served from static/vendor. */
(function () {
  "use strict";
  var el = document.getElementById("report-data");
  if (!el || typeof echarts === "undefined") return;
  var data = JSON.parse(el.textContent);
  var L = data.labels || {};
  var charts = [];

  // One number format (issue 15): thousands grouped, at most two decimals.
  function fmt(v) {
    if (v == null || isNaN(v)) return "—";
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  // A chart without figures says so instead of drawing an empty box (the page renders the same text
  // where it knows the figures are empty; this covers the rest).
  function empty(node) {
    var p = document.createElement("p");
    p.className = "text-muted text-center small mb-0 py-4 no-data";
    p.setAttribute("data-testid", node.id + "-empty");
    p.textContent = L.nodata || "";
    node.replaceWith(p);
  }

  function chart(id, option, rows) {
    var node = document.getElementById(id);
    if (!node) return null;
    if (rows !== undefined && !rows.length) { empty(node); return null; }
    var c = echarts.init(node, null, { renderer: "canvas" });
    c.setOption(option);
    charts.push(c);
    node.setAttribute("data-rendered", "1");
    return c;
  }

  var children = data.children || [];
  chart("chart-incidence", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt(v) + "%"; } },
    legend: { top: 0 },
    grid: { left: 10, right: 10, bottom: 10, top: 40, containLabel: true },
    xAxis: { type: "category", data: children.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
    yAxis: { type: "value", name: "%", axisLabel: { formatter: fmt } },
    series: [
      { name: L.incidence, type: "bar", data: children.map(function (r) { return r.incidence; }) },
      { name: L.comprehensive, type: "bar", data: children.map(function (r) { return r.comprehensive_incidence; }) }
    ]
  }, children);

  var causes = data.causes || [];
  chart("chart-causes", {
    tooltip: { trigger: "item", valueFormatter: fmt },
    series: [{
      type: "pie", radius: ["30%", "65%"],
      data: causes.map(function (c) { return { name: c.label, value: c.households }; })
    }]
  }, causes);

  var trend = data.trend || [];
  chart("chart-trend", {
    tooltip: { trigger: "axis", valueFormatter: fmt },
    legend: { top: 0 },
    grid: { left: 10, right: 10, bottom: 10, top: 50, containLabel: true },
    xAxis: { type: "category", data: trend.map(function (t) { return t.as_of; }) },
    yAxis: [
      { type: "value", name: L.remaining, nameTextStyle: { align: "left" }, axisLabel: { formatter: fmt } },
      { type: "value", name: "%", axisLabel: { formatter: fmt } }
    ],
    series: [
      { name: L.remaining, type: "line", data: trend.map(function (t) { return t.remaining_poor; }) },
      { name: L.incidence, type: "line", yAxisIndex: 1, data: trend.map(function (t) { return t.incidence; }) }
    ]
  }, trend);

  var assistance = data.assistance || [];
  // 分类帮扶: the axis and its name inside the box (containLabel), so a long amount is never clipped.
  chart("chart-assistance", {
    tooltip: { trigger: "axis", valueFormatter: fmt },
    grid: { left: 10, right: 10, bottom: 10, top: 40, containLabel: true },
    xAxis: { type: "category", data: assistance.map(function (a) { return a.label; }), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", name: L.amount, nameTextStyle: { align: "left" }, axisLabel: { formatter: fmt } },
    series: [{ name: L.amount, type: "bar", data: assistance.map(function (a) { return a.amount; }) }]
  }, assistance);

  // The map: a province shows its cities, a city its counties; regions are matched by name.
  var mapNode = document.getElementById("chart-map");
  if (mapNode) {
    var base = mapNode.getAttribute("data-base");
    var level = mapNode.getAttribute("data-level");
    var name = mapNode.getAttribute("data-name");
    var fileFor = function (index) { return level === "province" ? "cities.json" : index[name]; };
    fetch(base + "index.json").then(function (r) { return r.json(); }).then(function (index) {
      var file = fileFor(index);
      if (!file) throw new Error("no boundary file for " + name);
      return fetch(base + file).then(function (r) { return r.json(); });
    }).then(function (geo) {
      echarts.registerMap("report-map", geo);
      var values = children.map(function (r) { return { name: r.name, value: r.incidence }; });
      var max = Math.max.apply(null, values.map(function (v) { return v.value || 0; }).concat([1]));
      chart("chart-map", {
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value == null || isNaN(p.value) ? "—" : fmt(p.value) + "%"); } },
        visualMap: { min: 0, max: max, left: 0, bottom: 0, calculable: true, inRange: { color: ["#fff5f0", "#fb6a4a", "#a50f15"] } },
        series: [{ type: "map", map: "report-map", roam: true, name: L.incidence, data: values }]
      });
    }).catch(function (err) {
      mapNode.textContent = L.nodata || "";
      mapNode.setAttribute("data-error", String(err));
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
