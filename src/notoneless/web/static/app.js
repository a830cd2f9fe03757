// The officer pages' one script (no inline scripts: the CSP forbids them).
// The 工作台 chart: its data is in the element's data-chart attribute (JSON).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("chart");
  if (!el || typeof echarts === "undefined") return;
  var data = JSON.parse(el.getAttribute("data-chart"));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    color: ["#2f6fb2", "#c0392b"],
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 120, right: 24, top: 32, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.types, inverse: true },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "open", data: s.data, label: { show: true, position: "inside", formatter: function (p) { return p.value ? p.value : ""; } } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});

// The 本月数据 trend: open cases by type, run by run (data-chart: {runs: [...], series: [{name, data}]}).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("trend");
  if (!el || typeof echarts === "undefined") return;
  var data = JSON.parse(el.getAttribute("data-chart"));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 48, right: 24, top: 36, bottom: 48 },
    xAxis: { type: "category", data: data.runs, axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: { type: "value", minInterval: 1, name: "件" },
    series: data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, symbolSize: 7, label: { show: data.runs.length <= 6, position: "top" } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
