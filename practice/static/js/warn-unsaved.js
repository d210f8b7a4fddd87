// Leaving a long form with changes not yet sent asks first. A form opts in
// with data-warn-unsaved; an element with data-warn-ignore (a chooser that
// loses nothing) does not count. What the form held when the page opened is
// remembered here, in this page only: typed text is never written to
// localStorage or sessionStorage for this (a device may be shared).
// A draft saved in the background counts as sent: app.js says when it sends
// one ("mend:draft-saving") and when the server has it ("mend:draft-saved").
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) { return; }

  function state(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrf_token" || el.hasAttribute("data-warn-ignore")) { return; }
      if (el.type === "submit" || el.type === "button" || el.type === "file" || el.type === "hidden") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { parts.push([el.name, o.value]); });
        return;
      }
      parts.push([el.name, el.value]);
    });
    return JSON.stringify(parts);
  }

  var sending = false;
  forms.forEach(function (form) {
    var baseline = state(form);
    var inFlight = null;
    form.addEventListener("mend:draft-saving", function () { inFlight = state(form); });
    form.addEventListener("mend:draft-saved", function () {
      if (inFlight !== null) { baseline = inFlight; inFlight = null; }
    });
    form.hasUnsentChanges = function () { return state(form) !== baseline; };
  });
  // Sending any of these forms is not leaving it unsaved.
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-warn-unsaved") && !event.defaultPrevented) { sending = true; }
  });
  // Back to this page from the browser's history: a fresh start.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { sending = false; }
  });

  window.addEventListener("beforeunload", function (event) {
    if (sending) { return; }
    var changed = forms.some(function (form) { return form.hasUnsentChanges(); });
    if (changed) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value set to ask
    }
  });
})();
