// The designers' workspace: a running character count under a text area that has a limit
// (`maxlength` and `data-count-format`, "%(count)s of %(max)s characters" in the page's
// language). The page says the limit without it.
(function () {
  "use strict";

  function countCharacters(area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var format = area.getAttribute("data-count-format");
    if (!max || !format) {
      return;
    }
    var note = document.createElement("p");
    note.className = "char-count";
    note.setAttribute("data-testid", "char-count");
    area.insertAdjacentElement("afterend", note);
    function update() {
      var count = area.value.length;
      note.textContent = format
        .replace("%(count)s", count.toLocaleString())
        .replace("%(max)s", max.toLocaleString());
      note.classList.toggle("char-count-near", count > max * 0.9);
    }
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[maxlength][data-count-format]").forEach(countCharacters);
  });
})();
