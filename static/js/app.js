// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Sign-up: send the browser's time zone so dates show in the user's local time from day one.
  function fillTimeZone(root) {
    root.querySelectorAll("form[data-detect-timezone] input[name=time_zone]").forEach(function (input) {
      try {
        input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      } catch (error) {
        input.value = "";
      }
    });
  }

  // Remember the browser's time zone in a cookie, so pages show local times to visitors who are
  // not signed in (the server ignores an unknown name; a profile's time zone wins).
  function rememberTimeZone() {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return;
    }
    if (!/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
      return;
    }
    var cookie = "cocreate_tz=" + zone;
    if (document.cookie.split("; ").indexOf(cookie) === -1) {
      document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax";
    }
  }

  // Buttons with data-confirm ask before submitting (delete, revoke …).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // The phone menu's toggle is a checkbox (it works without JavaScript); say whether the menu it
  // controls is open, also when the browser restores the box ticked on going back.
  function syncMenuToggle() {
    var toggle = document.getElementById("nav-toggle");
    if (toggle) {
      toggle.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.id === "nav-toggle") {
      syncMenuToggle();
    }
  });
  window.addEventListener("pageshow", syncMenuToggle);

  document.addEventListener("DOMContentLoaded", function () {
    fillTimeZone(document);
    rememberTimeZone();
    syncMenuToggle();
  });
})();
