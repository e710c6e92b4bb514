/* Charts and the incidence map of the report dashboard (§12), drawn with the vendored ECharts from
   the figures the page embeds as JSON (#report-data). Boundaries are served from static/vendor. */
(function () {
  "use strict";
  var el = document.getElementById("report-data");
  if (!el || typeof echarts === "undefined") return;
  var data = JSON.parse(el.textContent);
  var L = data.labels || {};
  var charts = [];

  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) return null;
    var c = echarts.init(node, null, { renderer: "canvas" });
    c.setOption(option);
    charts.push(c);
    node.setAttribute("data-rendered", "1");
    return c;
  }

  var children = data.children || [];
  chart("chart-incidence", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 60, top: 30 },
    xAxis: { type: "category", data: children.map(function (r) { return r.name; }), axisLabel: { rotate: 40 } },
    yAxis: { type: "value", name: "%" },
    series: [
      { name: L.incidence, type: "bar", data: children.map(function (r) { return r.incidence; }) },
      { name: L.comprehensive, type: "bar", data: children.map(function (r) { return r.comprehensive_incidence; }) }
    ]
  });

  chart("chart-causes", {
    tooltip: { trigger: "item" },
    series: [{
      type: "pie", radius: ["30%", "65%"],
      data: (data.causes || []).map(function (c) { return { name: c.label, value: c.households }; })
    }]
  });

  var trend = data.trend || [];
  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 50, bottom: 30, top: 30 },
    xAxis: { type: "category", data: trend.map(function (t) { return t.as_of; }) },
    yAxis: [{ type: "value", name: L.remaining }, { type: "value", name: "%" }],
    series: [
      { name: L.remaining, type: "line", data: trend.map(function (t) { return t.remaining_poor; }) },
      { name: L.incidence, type: "line", yAxisIndex: 1, data: trend.map(function (t) { return t.incidence; }) }
    ]
  });

  var assistance = data.assistance || [];
  chart("chart-assistance", {
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 10, bottom: 60, top: 20 },
    xAxis: { type: "category", data: assistance.map(function (a) { return a.label; }), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", name: L.amount },
    series: [{ name: L.amount, type: "bar", data: assistance.map(function (a) { return a.amount; }) }]
  });

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
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value == null || isNaN(p.value) ? "—" : p.value + "%"); } },
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
