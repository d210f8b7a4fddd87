// Quick exit, on every portal page: the "Quick exit" button, or Escape pressed
// twice within a second. The page is hidden at once, the login is ended on the
// server, and the tab is sent to a neutral page with location.replace, so that
// the portal page is not left behind it in the tab's history. Every page of
// the portal is sent with Cache-Control: no-store, so Back to an earlier
// portal page asks the server again and finds the login over.
// Without this script the button's form posts to the same address and is sent
// on to the same neutral page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-quick-exit]");
  if (!form) { return; }
  var PREFIX = "mend-draft:";
  var leaving = false;
  var lastEscape = 0;

  // Nothing typed here stays in this tab (see the drafts in app.js).
  function forgetDrafts() {
    [window.sessionStorage, window.localStorage].forEach(function (store) {
      try {
        for (var i = store.length - 1; i >= 0; i--) {
          if (store.key(i).indexOf(PREFIX) === 0) { store.removeItem(store.key(i)); }
        }
      } catch (e) { /* storage turned off: nothing was kept */ }
    });
  }

  function leave() {
    if (leaving) { return; }
    leaving = true;
    document.body.hidden = true;
    document.title = "";
    forgetDrafts();
    var gone = false;
    var go = function () {
      if (gone) { return; }
      gone = true;
      window.location.replace(form.dataset.leave);
    };
    var body = new FormData(form);
    try {
      // keepalive: the logout goes through even once this page is gone.
      fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin", keepalive: true, redirect: "manual"
      }).then(go, go);
    } catch (e) {
      if (!(navigator.sendBeacon && navigator.sendBeacon(form.action, body))) {
        form.submit();
        return;
      }
    }
    // A slow network must not keep the page up: leave anyway.
    setTimeout(go, 800);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    event.stopPropagation();
    leave();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    var now = Date.now();
    if (now - lastEscape <= 1000) {
      leave();
    } else {
      lastEscape = now;
    }
  }, true);

  // A page brought back from the browser's back-forward cache is asked for again:
  // the server decides whether the login is still open.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
})();
