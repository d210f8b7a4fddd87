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

// Drafts save themselves while people type: a counsellor's note, a client's
// homework entry (form[data-autosave], posting to that address). A copy waits
// in this tab (sessionStorage, gone when the tab closes, never localStorage)
// under "mend-draft:<user id>:<form>": for a note always, so a login that times
// out mid-sentence loses nothing; for a client's entry only while saving fails,
// since the server keeps their draft. A tab may be handed to someone else (a
// couple often share one phone), so a copy belongs to one login: logging out
// removes every copy, and a page shown to nobody or to someone else removes
// the copies that are not theirs before anything is restored.
(function () {
  "use strict";
  var PREFIX = "mend-draft:";
  var user = (document.querySelector("meta[name=mend-user]") || {}).content || "";
  var mine = user ? PREFIX + user + ":" : null;

  function sweep(store, keep) {
    try {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key.indexOf(PREFIX) === 0 && !(keep && key.indexOf(keep) === 0)) { store.removeItem(key); }
      }
    } catch (e) { /* storage turned off: nothing was kept */ }
  }
  // Mend never writes localStorage; older copies there go whoever is logged in.
  function forget(keep) { sweep(window.sessionStorage, keep); sweep(window.localStorage, null); }
  forget(mine);

  var form = document.querySelector("form[data-autosave]");
  var autosave = form && mine ? watch(form, mine + form.dataset.draftKey) : null;

  // Logging out: a draft still unsaved goes to the server first (briefly), then
  // every copy in this tab is removed, then the logout is sent.
  document.addEventListener("submit", function (event) {
    var logout = event.target.closest("form[data-logout]");
    if (!logout) { return; }
    if (!autosave || !autosave.pending()) { forget(null); return; }
    event.preventDefault();
    var done = false;
    var finish = function () {
      if (done) { return; }
      done = true;
      autosave.stop();
      forget(null);
      logout.submit();
    };
    autosave.flush().then(finish, finish);
    setTimeout(finish, 3000);
  });

  function watch(form, key) {
    var always = form.dataset.draftCopy !== "while-failing";
    var status = form.querySelector("[data-autosave-status]");
    var token = document.querySelector("meta[name=csrf-token]");
    var dirty = false;
    var stopped = false;
    var timer = null;
    var inFlight = null;

    function fields() {
      var data = {};
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrf_token") { (data[name] = data[name] || []).push(value); }
      });
      return data;
    }
    // A failure is said in a colour that stands out from the quiet "saved" line.
    function say(text, trouble) {
      if (!status) { return; }
      status.textContent = text;
      status.classList.toggle("text-danger-emphasis", !!trouble);
      status.classList.toggle("fw-semibold", !!trouble);
      status.classList.toggle("text-body-secondary", !trouble);
    }
    function keepCopy() {
      try { sessionStorage.setItem(key, JSON.stringify(fields())); } catch (e) { /* full or off */ }
    }
    function dropCopy() {
      try { sessionStorage.removeItem(key); } catch (e) { /* off */ }
    }

    // A copy from a save that failed: put it back where the page has less.
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (kept) {
      var restored = false;
      Object.keys(kept).forEach(function (name) {
        var el = form.elements[name];
        if (el && el.tagName === "TEXTAREA" && kept[name][0] && el.value.length < kept[name][0].length) {
          el.value = kept[name][0];
          restored = true;
        }
      });
      if (restored) {
        say("Put back what you typed before the last save failed. Check it; it will be saved as a draft.");
        dirty = true;
        timer = setTimeout(save, 1000);
      } else {
        dropCopy();
      }
    }

    function failed(text) {
      dirty = true;
      keepCopy();
      say(text, true);
    }

    function answered(response, data) {
      if (response.ok) {
        form.dispatchEvent(new CustomEvent("mend:draft-saved"));
        if (!dirty) { dropCopy(); }
        say("Draft saved at " + data.at + ".");
      } else if (response.status === 401 || data.login) {
        failed("Your login has ended, so this was not saved. Save the form to log in again: what you typed will come back with it.");
      } else if (response.status === 409) {
        // It can never be saved here now (signed, withdrawn, already saved): stop trying.
        stopped = true;
        dropCopy();
        say(data.error || "This can no longer be changed.", true);
      } else if (response.status === 400 && data.error) {
        failed("Could not save your draft: " + data.error);
      } else {
        failed("Could not save your draft: check your connection. What you typed is still here.");
      }
    }

    function save(leaving) {
      clearTimeout(timer);
      if (!dirty || stopped) { return inFlight || Promise.resolve(); }
      dirty = false;
      form.dispatchEvent(new CustomEvent("mend:draft-saving"));
      inFlight = fetch(form.dataset.autosave, {
        method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: !!leaving,
        headers: {"X-CSRFToken": token ? token.content : "", "Accept": "application/json"}
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!stopped) { answered(response, data); }
        });
      }, function () {
        if (!stopped) { failed("Could not save your draft: check your connection. What you typed is still here."); }
      }).then(function () { inFlight = null; });
      return inFlight;
    }

    form.addEventListener("input", function () {
      if (stopped) { return; }
      dirty = true;
      if (always) { keepCopy(); }
      say("Not saved yet…");
      clearTimeout(timer);
      timer = setTimeout(save, 4000);
    });
    form.addEventListener("submit", function () {
      // The form itself is being sent: no more background saves from this page.
      clearTimeout(timer);
      stopped = true;
      if (always) { keepCopy(); } else { dropCopy(); }
    });
    // Leaving the page or the app (a phone's home button) saves at once.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    window.addEventListener("pagehide", function () { save(true); });
    window.addEventListener("online", function () { save(); });

    return {
      pending: function () { return !stopped && (dirty || inFlight !== null); },
      flush: function () { return save(); },
      stop: function () { clearTimeout(timer); stopped = true; }
    };
  }
})();

// Small helpers for forms: copy a value to the clipboard, show the "times a
// week" field only when that cadence is chosen, and a question's options or
// scale only for those kinds of question.
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

  // The intake form builder: options for a choice, ends for a scale, only when chosen.
  var kind = document.querySelector("select[name=kind]");
  var forKinds = document.querySelectorAll("[data-for-kind]");
  if (kind && forKinds.length) {
    var showKinds = function () {
      forKinds.forEach(function (el) {
        el.hidden = el.dataset.forKind.split(" ").indexOf(kind.value) === -1;
      });
    };
    kind.addEventListener("change", showKinds);
    showKinds();
  }

  var cadence = document.querySelector("select[name=cadence]");
  var perWeek = document.querySelector("input[name=per_week]");
  if (cadence && perWeek) {
    var wrapper = perWeek.closest(".mb-3") || perWeek.parentElement;
    var sync = function () { wrapper.hidden = cadence.value !== "n-per-week"; };
    cadence.addEventListener("change", sync);
    sync();
  }
})();
