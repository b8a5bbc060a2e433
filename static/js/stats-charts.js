/* Statistics charts: draws every <canvas data-chart="ID"> from the JSON in <script id="ID">
 * (written by the server with json_script). Colour is never the only carrier of meaning: the
 * legend and the data table under each chart name every series in text.
 * Colours: the Okabe-Ito palette, distinguishable with the common colour-vision deficiencies. */
(function () {
  "use strict";

  var COLOURS = {
    before: "#999999",
    obama_1: "#0072B2",
    obama_2: "#56B4E9",
    trump_1: "#D55E00",
    biden: "#009E73",
    trump_2: "#E69F00",
    convicted: "#0072B2",
    pending: "#E69F00",
    no_record: "#CC79A7",
    share: "#000000",
    official: "#D55E00",
    tracker: "#0072B2",
    ice: "#0072B2",
    cbp: "#E69F00",
    population: "#0072B2"
  };
  // Dashes tell line series apart without colour.
  var DASHES = { cbp: [6, 4], share: [2, 3], tracker: [] };

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function formatNumber(value) {
    return value === null || value === undefined ? "" : Number(value).toLocaleString();
  }

  function dataset(spec, stacked) {
    var colour = COLOURS[spec.style] || "#444444";
    var line = spec.kind === "line";
    return {
      type: line ? "line" : "bar",
      label: spec.label,
      data: spec.data,
      yAxisID: spec.axis,
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: line ? 2 : 0,
      borderDash: DASHES[spec.style] || [],
      pointRadius: line ? 1.5 : 0,
      spanGaps: false,
      stack: line ? undefined : stacked ? "stack" : undefined,
      order: line ? 0 : 1
    };
  }

  function options(config) {
    var scales = {
      x: { stacked: config.stacked, ticks: { autoSkip: true, maxRotation: 60 } },
      y: {
        stacked: config.stacked,
        beginAtZero: true,
        title: { display: !!config.yLabel, text: config.yLabel },
        ticks: { callback: formatNumber }
      }
    };
    if (config.y2Label) {
      scales.y2 = {
        position: "right",
        min: 0,
        max: 100,
        grid: { drawOnChartArea: false },
        title: { display: true, text: config.y2Label }
      };
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 400 },
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          filter: function (item) { return item.raw !== null && item.raw !== undefined; },
          callbacks: {
            label: function (item) {
              return item.dataset.label + ": " + formatNumber(item.raw);
            }
          }
        }
      },
      scales: scales
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var config = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: config.labels,
        datasets: config.datasets.map(function (spec) { return dataset(spec, config.stacked); })
      },
      options: options(config)
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i += 1) {
      draw(canvases[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
