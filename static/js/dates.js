// Keeps relative times ("3 minutes ago", "in 2 days") current on pages that stay open or were
// served from the page cache. The server wrote the text (the fallback without JavaScript) and
// marked it with data-relative; the moment is in the datetime attribute and the exact text in
// the title. Same rules as cocreate/core/dates.py: whole units rounded towards zero, "now"
// under a minute, the exact text from seven days on.
(function () {
  "use strict";

  var WINDOW_SECONDS = 7 * 86400;
  var UNITS = [["day", 86400], ["hour", 3600], ["minute", 60]];

  function formatters() {
    var language = document.documentElement.lang || "en";
    try {
      return {
        always: new Intl.RelativeTimeFormat(language, { numeric: "always" }),
        auto: new Intl.RelativeTimeFormat(language, { numeric: "auto" }),
      };
    } catch (error) {
      return null;
    }
  }

  function text(seconds, format) {
    var distance = Math.abs(seconds);
    if (distance >= WINDOW_SECONDS) {
      return null;
    }
    if (distance < 60) {
      return format.auto.format(0, "second");
    }
    for (var i = 0; i < UNITS.length; i++) {
      if (distance >= UNITS[i][1]) {
        var count = Math.floor(distance / UNITS[i][1]);
        return format.always.format(seconds < 0 ? -count : count, UNITS[i][0]);
      }
    }
    return null;
  }

  function refresh() {
    var format = formatters();
    if (!format) {
      return;
    }
    var now = Date.now();
    document.querySelectorAll("time[data-relative]").forEach(function (element) {
      var moment = Date.parse(element.getAttribute("datetime"));
      if (isNaN(moment)) {
        return;
      }
      var current = text((moment - now) / 1000, format);
      element.textContent = current === null ? element.getAttribute("title") : current;
    });
  }

  document.addEventListener("DOMContentLoaded", refresh);
  // Content htmx swaps in (the desk's polling, loaded panels) was written by the server just now.
  document.addEventListener("htmx:afterSettle", refresh);
  setInterval(refresh, 30000);
})();
