/* PSKS Hub dashboards: bar charts drawn from the JSON the page carries in json_script blocks.
 * No inline script (CSP): this file is the only code. Without JavaScript the tables carry every number. */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#d63384", "#6c757d", "#ffc107", "#0dcaf0"];

  function readData(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(canvas) {
    var data = readData(canvas.dataset.chart);
    // Nothing to draw: no rows, or only zeros and hidden counts (null: "<5", shown in the table only).
    var drawn = data && data.series.some(function (series) {
      return series.values.some(function (value) {
        return value;
      });
    });
    if (!data || !data.labels.length || !drawn) {
      return;
    }
    var figure = canvas.closest(".dashboard-chart");
    var box = canvas.parentElement;
    var horizontal = data.labels.length > 8;
    if (horizontal) {
      // One band per row: tall enough to read every kecamatan's name.
      var band = data.stacked ? 22 : Math.max(22, 10 * data.series.length + 6);
      box.style.height = Math.max(260, data.labels.length * band + 90) + "px";
    }
    figure.hidden = false;
    var valueAxis = { stacked: data.stacked, beginAtZero: true, ticks: { precision: 0 } };
    var labelAxis = { stacked: data.stacked, ticks: { autoSkip: false } };
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          return { label: series.label, data: series.values, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: { legend: { display: data.series.length > 1, position: "bottom" } }
      }
    });
  }

  if (window.Chart) {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  // Printing: long lists collapsed on screen are printed in full, then closed again.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.dashboard-details:not([open])").forEach(function (details) {
      details.open = true;
      opened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
