// The desk's ticket page: the presence heartbeat (htmx polls #presence with #presence-state)
// says "typing" while the agent types a reply, and "viewing" again after a pause.
(function () {
  "use strict";

  var IDLE_MS = 8000;
  var lastInput = 0;

  function stateInput() {
    return document.getElementById("presence-state");
  }

  document.addEventListener("input", function (event) {
    var input = stateInput();
    if (!input || !event.target.closest || !event.target.closest("#reply textarea")) {
      return;
    }
    lastInput = Date.now();
    if (input.value !== "typing") {
      input.value = "typing";
      if (window.htmx) {
        window.htmx.trigger("#presence", "presence-now");  // tell the others now
      }
    }
  });

  window.setInterval(function () {
    var input = stateInput();
    if (input && input.value === "typing" && Date.now() - lastInput > IDLE_MS) {
      input.value = "viewing";
    }
  }, 1000);
})();
