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
