// KPI dashboard: lists the panels from /api/admin/kpis, loads each with the page's filters and draws it with ECharts.
// Panel JSON: { id, title, titleEn, definition, definitionEn, unit, chart: line|bar|pie|funnel|table, series, figures, table }.
(function () {
  'use strict';
  var host = document.getElementById('kpi-panels');
  var status = document.getElementById('kpi-status');
  if (!host || !status) return;
  var en = status.dataset.english === '1';
  var query = host.dataset.query || '';
  var pick = function (zh, english) { return (en ? (english || zh) : (zh || english)) || ''; };

  function say(text) { status.textContent = text; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function fmt(value, unit) {
    if (typeof value !== 'number') return String(value);
    if (unit === 'percent') return value.toFixed(1) + '%';
    if (unit === 'CNY') return '¥' + value.toLocaleString(en ? 'en-US' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return value.toLocaleString(en ? 'en-US' : 'zh-CN');
  }

  function drawTable(box, table) {
    var t = el('table', 'data');
    var head = el('tr');
    (table.columns || []).forEach(function (c) { head.appendChild(el('th', null, c)); });
    t.appendChild(head);
    (table.rows || []).forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (v) { tr.appendChild(el('td', null, typeof v === 'number' ? fmt(v) : v)); });
      t.appendChild(tr);
    });
    box.appendChild(t);
  }

  function optionFor(panel) {
    var series = panel.series || [];
    var base = { animation: false, tooltip: { trigger: panel.chart === 'line' || panel.chart === 'bar' ? 'axis' : 'item' }, legend: { top: 0 } };
    if (panel.chart === 'pie' || panel.chart === 'funnel') {
      var s = series[0] || { points: [] };
      base.series = [{
        type: panel.chart, name: pick(s.name, s.nameEn), radius: panel.chart === 'pie' ? ['35%', '65%'] : undefined,
        top: 30, data: s.points.map(function (p) { return { name: String(p.x), value: p.y }; })
      }];
      return base;
    }
    var xs = [];
    series.forEach(function (s) { s.points.forEach(function (p) { if (xs.indexOf(p.x) < 0) xs.push(p.x); }); });
    xs.sort();
    base.grid = { left: 48, right: 16, top: 40, bottom: 32 };
    base.xAxis = { type: 'category', data: xs };
    base.yAxis = { type: 'value', name: panel.unit === 'percent' ? '%' : (panel.unit === 'CNY' ? '¥' : '') };
    base.series = series.map(function (s) {
      var byX = {};
      s.points.forEach(function (p) { byX[p.x] = p.y; });
      return { type: panel.chart === 'bar' ? 'bar' : 'line', name: pick(s.name, s.nameEn), data: xs.map(function (x) { return byX[x] === undefined ? null : byX[x]; }) };
    });
    return base;
  }

  function render(card, panel) {
    var body = card.querySelector('.panel-body');
    body.textContent = '';
    (panel.figures || []).length && (function () {
      var figs = el('div', 'figures');
      panel.figures.forEach(function (f) {
        var fig = el('div', 'figure');
        fig.title = pick(f.definition, f.definitionEn) || pick(panel.definition, panel.definitionEn);
        fig.appendChild(el('span', 'figure-value', fmt(f.value, f.unit || panel.unit)));
        fig.appendChild(el('span', 'figure-name', pick(f.name, f.nameEn)));
        figs.appendChild(fig);
      });
      body.appendChild(figs);
    })();
    var hasPoints = (panel.series || []).some(function (s) { return s.points && s.points.length; });
    if (panel.chart === 'table' || !hasPoints) {
      if (panel.table && panel.table.rows && panel.table.rows.length) drawTable(body, panel.table);
      else if (!(panel.figures || []).length) body.appendChild(el('p', 'muted', status.dataset.empty));
      card.dataset.state = 'rendered';
      return;
    }
    var chartBox = el('div', 'chart');
    body.appendChild(chartBox);
    var chart = echarts.init(chartBox, null, { renderer: 'canvas' });
    chart.setOption(optionFor(panel));
    window.addEventListener('resize', function () { chart.resize(); });
    card.dataset.state = 'rendered';
  }

  function load(card, meta) {
    fetch('/api/admin/kpis/' + encodeURIComponent(meta.id) + '?' + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (panel) { render(card, panel); })
      .catch(function () {
        card.querySelector('.panel-body').textContent = status.dataset.failed;
        card.dataset.state = 'failed';
      });
  }

  say(status.dataset.loading);
  fetch(host.dataset.list, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(function (list) {
      if (!Array.isArray(list) || list.length === 0) { say(status.dataset.nodata); host.dataset.state = 'nodata'; return; }
      say('');
      list.forEach(function (meta) {
        var card = el('section', 'card panel');
        card.id = 'kpi-' + meta.id;
        card.dataset.state = 'loading';
        var head = el('div', 'panel-head');
        var h = el('h2', null, pick(meta.title, meta.titleEn));
        h.title = pick(meta.definition, meta.definitionEn);
        head.appendChild(h);
        var csv = el('a', 'csv', status.dataset.csv);
        csv.href = '/api/admin/kpis/' + encodeURIComponent(meta.id) + '.csv?' + query;
        csv.setAttribute('download', '');
        head.appendChild(csv);
        card.appendChild(head);
        card.appendChild(el('div', 'panel-body', status.dataset.loading));
        host.appendChild(card);
        load(card, meta);
      });
      host.dataset.state = 'listed';
    })
    .catch(function () { say(status.dataset.nodata); host.dataset.state = 'nodata'; });
})();
