// The desk's queue: tick every row of the page at once, and show a view as soon as it is
// chosen on a phone. The page works without it (the "Show" button, ticking rows one by one).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-page]")) {
      document.querySelectorAll("input[name=tickets]").forEach(function (box) {
        box.checked = target.checked;
      });
    } else if (target.matches("[data-view-select]") && target.form) {
      target.form.submit();
    }
  });
})();
