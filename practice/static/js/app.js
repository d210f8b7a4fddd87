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

// Notes save themselves while the counsellor types, and keep a copy in this
// tab (sessionStorage, gone when the tab closes) until the server has it, so a
// login that times out mid-sentence loses nothing.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) { return; }
  var key = "mend-draft:" + form.dataset.draftKey;
  var status = form.querySelector("[data-autosave-status]");
  var token = document.querySelector("meta[name=csrf-token]");
  var dirty = false;
  var timer = null;

  function fields() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { (data[name] = data[name] || []).push(value); }
    });
    return data;
  }

  function say(text) { if (status) { status.textContent = text; } }

  // A copy from before a timed-out login: offer it back if the page is emptier.
  var kept = sessionStorage.getItem(key);
  if (kept) {
    var saved = JSON.parse(kept);
    var restored = false;
    Object.keys(saved).forEach(function (name) {
      var el = form.elements[name];
      if (el && el.tagName === "TEXTAREA" && saved[name][0] && el.value.length < saved[name][0].length) {
        el.value = saved[name][0];
        restored = true;
      }
    });
    if (restored) {
      say("Restored text typed before your last save; check it, then save.");
      dirty = true;
    } else {
      sessionStorage.removeItem(key);
    }
  }

  function save() {
    if (!dirty) { return; }
    var body = new FormData(form);
    fetch(form.dataset.autosave, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.content : "", "Accept": "application/json"}
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(function (data) {
          dirty = false;
          sessionStorage.removeItem(key);
          say("Draft saved at " + data.at + ".");
        });
      }
      if (response.status === 401 || response.status === 400) {
        say("Your login has ended. Your text is kept in this tab: log in again (open Mend in another tab), then come back and save.");
      } else if (response.status === 409) {
        say("This note has been signed and can no longer change.");
      }
    }).catch(function () { say("Not saved: the connection dropped. Your text is kept in this tab."); });
  }

  form.addEventListener("input", function () {
    dirty = true;
    sessionStorage.setItem(key, JSON.stringify(fields()));
    say("Unsaved changes…");
    clearTimeout(timer);
    timer = setTimeout(save, 4000);
  });
  form.addEventListener("submit", function () { sessionStorage.setItem(key, JSON.stringify(fields())); });
})();

// Small helpers for forms: copy a value to the clipboard, and show the
// "times a week" field only when that cadence is chosen.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.querySelector(button.dataset.copy);
    if (!field || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.dataset.copied || "Copied";
    });
  });

  var cadence = document.querySelector("select[name=cadence]");
  var perWeek = document.querySelector("input[name=per_week]");
  if (cadence && perWeek) {
    var wrapper = perWeek.closest(".mb-3") || perWeek.parentElement;
    var sync = function () { wrapper.hidden = cadence.value !== "n-per-week"; };
    cadence.addEventListener("change", sync);
    sync();
  }
})();
