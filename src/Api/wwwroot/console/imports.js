// Import progress: polls the import's progress JSON every second until the job has finished.
(function () {
  'use strict';
  var box = document.getElementById('import-status');
  if (!box || box.dataset.finished === '1') return;
  var set = function (id, v) { var e = document.getElementById(id); if (e) e.textContent = v; };
  function poll() {
    fetch(box.dataset.poll, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (p) {
        var state = document.getElementById('import-state');
        state.textContent = p.statusText;
        state.dataset.status = p.status;
        set('import-total', p.totalRows); set('import-processed', p.processedRows); set('import-imported', p.importedRows);
        set('import-skipped', p.skippedRows); set('import-errors', p.errorRows);
        var bar = document.getElementById('import-progress');
        bar.max = Math.max(1, p.totalRows); bar.value = p.processedRows;
        if (p.hasReport) document.getElementById('import-report').hidden = false;
        if (p.finished) { box.dataset.finished = '1'; if (p.failure) location.reload(); return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
