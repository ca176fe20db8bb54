/* The resource page's publication-gate panel (templates/govopen/publication/_resource_status.html):
 * asks govopen_publication_show and polls it every second while the job is queued or running.
 * Kept out of the template so a Content-Security-Policy without 'unsafe-inline' allows it. */
(function () {
  function start() {
    var box = document.getElementById('govopen-publication');
    if (!box) return;
    var labels = {queued: box.dataset.labelQueued, running: box.dataset.labelRunning,
                  succeeded: box.dataset.labelSucceeded, failed: box.dataset.labelFailed};
    var zh = (document.documentElement.lang || '').indexOf('zh') === 0;
    function field(n) { return box.querySelector('[data-field="' + n + '"]'); }
    function poll() {
      fetch(box.dataset.api + '?id=' + encodeURIComponent(box.dataset.resourceId),
            {credentials: 'same-origin'}).then(function (r) {
        if (!r.ok) { box.hidden = true; return null; }
        return r.json();
      }).then(function (body) {
        if (!body || !body.success) return;
        var p = body.result; box.hidden = false;
        box.dataset.state = p.state || 'none';
        field('state').textContent = labels[p.state] || p.state || '-';
        field('status').textContent = zh ? p.status.message_zh : p.status.message_en;
        var bar = box.querySelector('.govopen-publication-progress');
        var running = p.state === 'running' || p.state === 'queued';
        bar.hidden = !(p.state === 'running');
        if (p.state === 'running') {
          var pct = p.rows_total ? Math.min(100, Math.round(100 * p.rows_done / p.rows_total)) : 0;
          var el = bar.querySelector('.progress-bar');
          el.style.width = pct + '%'; el.setAttribute('aria-valuenow', pct); el.textContent = pct + '%';
        }
        field('rows').textContent = (p.state === 'running' || p.state === 'succeeded') && p.rows_total
          ? (p.rows_done + ' / ' + p.rows_total + (zh ? ' 行' : ' rows')) : '';
        var err = box.querySelector('.govopen-publication-error');
        if (p.state === 'failed' && p.error) {
          err.hidden = false;
          err.textContent = (zh ? p.error.message_zh + '。' + p.error.hint_zh
                                : p.error.message_en + '. ' + p.error.hint_en)
                            + (p.error.detail ? ' (' + p.error.detail + ')' : '');
        } else { err.hidden = true; }
        var s = '';
        if (p.state === 'succeeded' && p.report) {
          if (p.report.needs_attestation) s = zh ? p.report.message_zh : p.report.message_en;
          else {
            var cols = (p.report.columns || []).filter(function (c) { return c.cells_changed > 0 || c.dropped; });
            // column names and counts only; the report page names the types in words
            s = (zh ? '已处理列：' : 'Columns changed: ') + cols.map(function (c) {
              return c.column + (c.dropped ? (zh ? '（已删除）' : ' (dropped)')
                                           : (zh ? '（' + c.cells_changed + ' 处）' : ' (' + c.cells_changed + ')'));
            }).join(zh ? '、' : ', ') + (zh ? '；残留扫描：' : '; residual scan: ') +
              (p.report.residual && p.report.residual.passed ? (zh ? '通过' : 'passed') : (zh ? '未通过' : 'failed'));
          }
        }
        if (p.review) s += (s ? ' · ' : '') + (zh ? '审查已签署：' : 'Review signed: ') + (p.review.user_display_name || p.review.user_name) + ' ' + (p.review.signed_at_local || '');
        field('summary').textContent = s;
        if (running) setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 2000); });
    }
    poll();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
