// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // One submission per click: a double click does not register two complaints.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var message = form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    if (form.method.toLowerCase() === 'post') {
      setTimeout(function () {
        form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = true; });
      }, 0);
    }
  });
  // Exports stream for a while: say so until the file starts downloading.
  document.querySelectorAll('a[data-export]').forEach(function (link) {
    link.addEventListener('click', function () {
      var note = document.getElementById('export-status');
      if (note) note.hidden = false;
    });
  });
  // Charts: each canvas carries its data as JSON in data-chart (escaped by the server).
  if (window.Chart) {
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var spec = JSON.parse(canvas.getAttribute('data-chart'));
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: spec.datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          spanGaps: true,
          indexAxis: spec.horizontal ? 'y' : 'x',
          scales: spec.scales || {},
          plugins: {
            legend: { display: spec.datasets.length > 1 },
            // The answers behind a point, under its value: a swing on five answers reads as one.
            tooltip: spec.counts ? {
              callbacks: {
                footer: function (items) {
                  return items.length ? spec.countLabel + ': ' + spec.counts[items[0].dataIndex] : '';
                },
              },
            } : {},
          },
        },
      });
    });
  }
})();
