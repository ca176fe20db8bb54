/* Small page behaviours of the portal (issue 14), kept out of templates for the CSP:
 *  - forms/buttons with data-govopen-confirm="question" ask before they submit;
 *  - the application form shows only the fields of the chosen applicant type
 *    (fieldsets with data-applicant-type); without JS every field stays visible. */
(function () {
  function start() {
    document.addEventListener('submit', function (ev) {
      var btn = ev.submitter;
      var q = (btn && btn.getAttribute('data-govopen-confirm')) ||
              ev.target.getAttribute('data-govopen-confirm');
      if (q && !window.confirm(q)) ev.preventDefault();
    }, true);
    var radios = document.querySelectorAll('input[name="applicant_type"]');
    function sync() {
      var chosen = document.querySelector('input[name="applicant_type"]:checked');
      var value = chosen ? chosen.value : '';
      document.querySelectorAll('[data-applicant-type]').forEach(function (box) {
        var show = !value || box.getAttribute('data-applicant-type') === value;
        box.hidden = !show;
        box.querySelectorAll('input, textarea, select').forEach(function (el) { el.disabled = !show; });
      });
    }
    radios.forEach(function (r) { r.addEventListener('change', sync); });
    if (radios.length) sync();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
