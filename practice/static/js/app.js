// Small behaviours for every page. No inline script anywhere: the
// Content-Security-Policy forbids it, so everything lives here.
(function () {
  "use strict";

  // Buttons with data-confirm ask before their form is sent.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // A form is sent once: a double click on its button makes one record.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.setAttribute("aria-disabled", "true");
      b.classList.add("disabled");
    });
    // If the browser comes back to this page (back button), allow sending again.
    window.addEventListener("pageshow", function () { form.dataset.submitted = ""; });
  });
})();
