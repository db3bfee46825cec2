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
  // SMS texts: the parts they take, as the server counts them (libs/core/src/sms-segments.ts), as one types.
  var GSM = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var GSM_EXTENDED = '^{}\\[~]|€\f';
  function smsSegments(text) {
    var septets = 0;
    var chars = Array.from(text);
    for (var i = 0; i < chars.length; i++) {
      if (GSM.indexOf(chars[i]) >= 0) septets += 1;
      else if (GSM_EXTENDED.indexOf(chars[i]) >= 0) septets += 2;
      else {
        var segments = text.length <= 70 ? 1 : Math.ceil(text.length / 67);
        return { encoding: 'UCS-2', units: text.length, segments: segments, perSegment: segments === 1 ? 70 : 67 };
      }
    }
    var parts = septets <= 160 ? 1 : Math.ceil(septets / 153);
    return { encoding: 'GSM-7', units: septets, segments: parts, perSegment: parts === 1 ? 160 : 153 };
  }
  document.querySelectorAll('textarea[data-sms-counter]').forEach(function (area) {
    var output = document.getElementById(area.getAttribute('data-sms-counter'));
    if (!output) return;
    area.addEventListener('input', function () {
      var s = smsSegments(area.value || area.placeholder);
      var part = function (name) { return output.querySelector('[data-part=' + name + ']'); };
      part('encoding').textContent = s.encoding;
      part('count').textContent = s.units + ' / ' + s.perSegment;
      part('segments').textContent = String(s.segments);
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
