/* My applications and the API page (issue 16). No inline script: the CSP forbids it.
   [data-govopen-copy="#id"] copies the value of #id to the clipboard. A new key is
   shown by the server once (the answer to the form that created it) and kept nowhere
   in the browser: later visits show a placeholder where it goes. */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest ? ev.target.closest("[data-govopen-copy]") : null;
    if (!btn) { return; }
    var field = document.querySelector(btn.getAttribute("data-govopen-copy"));
    if (!field) { return; }
    var done = function () { btn.textContent = btn.getAttribute("data-copied-text") || "OK"; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      try { document.execCommand("copy"); done(); } catch (e) { /* the key stays selected */ }
    }
  });
})();
