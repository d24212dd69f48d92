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

  // Buttons with data-confirm ask before submitting (delete, revoke …).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    fillTimeZone(document);
  });
})();
