/* Charts of the statistics pages (ECharts, vendored). The figures come from the page itself
   (<script type="application/json" id="stats-charts">), so a chart never shows a number the tables do not. */
(function () {
  "use strict";

  var RED = ["#c8102e", "#e8604c", "#f2a541", "#3f7cac", "#5b9279", "#8e6c8a", "#9aa0a6"];

  function dark() { return document.body.classList.contains("bigscreen"); }

  function base() {
    var ink = dark() ? "#d7e3f4" : "#3b4048";
    return {
      color: RED,
      textStyle: { color: ink, fontSize: dark() ? 16 : 12 },
      // Drawn on the canvas: ECharts' HTML tooltip carries style="" attributes, which the CSP refuses.
      tooltip: { trigger: "item", renderMode: "richText" },
      animation: !dark()
    };
  }

  function axisStyle() {
    var line = dark() ? "#2d4366" : "#e4e6eb";
    var ink = dark() ? "#b9c8de" : "#646a73";
    return { axisLine: { lineStyle: { color: line } }, splitLine: { lineStyle: { color: line } },
             axisLabel: { color: ink } };
  }

  function trendOption(data) {
    var o = base(), ax = axisStyle();
    o.tooltip = { trigger: "axis", renderMode: "richText" };
    o.legend = { data: ["月末会员", "新发展会员", "转出及离会"], textStyle: { color: o.textStyle.color }, bottom: 0 };
    o.grid = { left: 48, right: 48, top: 32, bottom: 56 };
    o.xAxis = Object.assign({ type: "category", data: data.months }, ax);
    o.yAxis = [Object.assign({ type: "value", name: "人", minInterval: 1, scale: true }, ax),
               Object.assign({ type: "value", name: "人/月", minInterval: 1 }, ax, { splitLine: { show: false } })];
    o.series = [
      { name: "月末会员", type: "line", smooth: true, data: data.members, symbolSize: 6, lineStyle: { width: 3 } },
      { name: "新发展会员", type: "bar", yAxisIndex: 1, data: data.joined, barMaxWidth: 18 },
      { name: "转出及离会", type: "bar", yAxisIndex: 1, data: data.left, barMaxWidth: 18 }
    ];
    return o;
  }

  function breakdownOption(item) {
    var o = base(), ax = axisStyle();
    if (item.kind === "pie") {
      o.legend = { bottom: 0, textStyle: { color: o.textStyle.color } };
      // Percentages inside the ring; slivers under 8 degrees stay unlabelled rather than pile up in a corner.
      o.series = [{ type: "pie", radius: ["36%", "68%"], center: ["50%", "44%"], minShowLabelAngle: 8,
                    label: { position: "inside", formatter: "{d}%", color: "#fff", fontSize: dark() ? 15 : 11 },
                    data: item.labels.map(function (l, i) { return { name: l, value: item.values[i] }; }) }];
      return o;
    }
    o.grid = { left: 8, right: 36, top: 8, bottom: 8, containLabel: true };
    o.xAxis = Object.assign({ type: "value", minInterval: 1 }, ax);
    o.yAxis = Object.assign({ type: "category", data: item.labels.slice().reverse() }, ax);
    o.series = [{ type: "bar", data: item.values.slice().reverse(), barMaxWidth: 16,
                  label: { show: true, position: "right", color: o.textStyle.color } }];
    return o;
  }

  function childrenOption(data) {
    return breakdownOption({ kind: "bar", labels: data.labels, values: data.values });
  }

  function draw() {
    var source = document.getElementById("stats-charts");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var byId = {};
    (data.breakdowns || []).forEach(function (b) { byId[b.id] = b; });
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart"), option = null;
      if (key === "trend") option = trendOption(data.trend);
      else if (key === "children") option = childrenOption(data.children);
      else if (byId[key]) option = breakdownOption(byId[key]);
      if (!option) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
