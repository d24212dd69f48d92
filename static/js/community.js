// Community pages: let htmx show the vote button's answer when a vote is refused (400: locked
// post, own post) or rate limited (429); htmx leaves error responses unswapped by default.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 429) && target && target.matches("form.vote")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      if (status === 429) {
        // The 429 fragment is a message, not a vote button: keep the button, show the message.
        event.detail.shouldSwap = false;
        var note = target.querySelector(".vote-error") || document.createElement("p");
        note.className = "vote-error";
        note.setAttribute("role", "alert");
        note.textContent = event.detail.xhr.responseText.replace(/<[^>]*>/g, "").trim();
        target.appendChild(note);
      }
    }
  });
})();
