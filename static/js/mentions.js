// The comment box's @ list: typing @ and two letters of a name offers the people who may see the
// post (GET data-mention-url?q=…, the posts API's `mentionable`); picking one writes @username.
// Keyboard: ↓/↑ move, Enter or Tab pick, Escape closes. Our own script; nothing from a CDN.
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var WAIT_MS = 180;
  // The @ and the name typed so far, right before the caret. Not after a Latin letter, digit or
  // one of @ . / + - ` (an e-mail address, a path), as the server reads mentions.
  var TYPED = /(?:^|[^A-Za-z0-9@./+\-`])@([\p{L}\p{N}_.+\-]{0,150})$/u;
  var counter = 0;

  function setUp(box) {
    var url = box.getAttribute("data-mention-url");
    if (!url || box.hasAttribute("data-mention-ready")) return;
    box.setAttribute("data-mention-ready", "");
    counter += 1;
    var id = "mention-list-" + counter;

    var wrap = document.createElement("div");
    wrap.className = "mention-box";
    box.parentNode.insertBefore(wrap, box);
    wrap.appendChild(box);

    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = id;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.getAttribute("data-mention-label") || "");
    list.hidden = true;
    wrap.appendChild(list);

    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);

    // A textarea is a textbox, which takes neither aria-expanded nor aria-haspopup: the list it
    // controls, the option it points at and the status line say what is offered.
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", id);

    var people = [];
    var active = -1;
    var timer = null;
    var request = null;
    var asked = "";

    function typed() {
      if (box.selectionStart !== box.selectionEnd) return null;
      var match = TYPED.exec(box.value.slice(0, box.selectionStart));
      return match ? match[1] : null;
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      box.removeAttribute("aria-activedescendant");
      people = [];
      active = -1;
    }

    function note(text) {
      list.replaceChildren();
      var item = document.createElement("li");
      item.className = "mention-note";
      item.setAttribute("aria-disabled", "true");
      item.textContent = text;
      list.appendChild(item);
      list.hidden = false;
      people = [];
      active = -1;
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, position) {
        item.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      if (index >= 0) {
        box.setAttribute("aria-activedescendant", id + "-" + index);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function show(found) {
      if (typed() === null) return close();
      if (!found.length) {
        return note(box.getAttribute("data-mention-empty") || "");
      }
      people = found;
      list.replaceChildren();
      found.forEach(function (person, index) {
        var item = document.createElement("li");
        item.id = id + "-" + index;
        item.className = "mention-option";
        item.setAttribute("role", "option");
        item.setAttribute("data-username", person.username);
        var initial = document.createElement("span");
        initial.className = "mention-initial";
        initial.setAttribute("aria-hidden", "true");
        initial.textContent = Array.from(person.display_name || person.username)[0].toUpperCase();
        var name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = person.display_name;
        var handle = document.createElement("span");
        handle.className = "mention-handle";
        handle.textContent = "@" + person.username;
        item.append(initial, name, handle);
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus (and the caret) in the box
          pick(index);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      highlight(0);
      status.textContent = (box.getAttribute("data-mention-found") || "{count}").replace(
        "{count}",
        String(found.length)
      );
    }

    function ask(query) {
      if (request) request.abort();
      request = new AbortController();
      asked = query;
      var address = url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(address, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: request.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (found) {
          if (typed() === asked) show(found);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") close();
        });
    }

    function update() {
      var query = typed();
      clearTimeout(timer);
      if (query === null) return close();
      if (Array.from(query).length < MIN_LENGTH) {
        return note(box.getAttribute("data-mention-hint") || "");
      }
      timer = setTimeout(function () { ask(query); }, WAIT_MS);
    }

    function pick(index) {
      var person = people[index];
      var query = typed();
      if (!person || query === null) return close();
      var caret = box.selectionStart;
      var start = caret - query.length - 1;
      var insert = "@" + person.username + " ";
      box.setRangeText(insert, start, caret, "end");
      box.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      box.focus();
    }

    box.addEventListener("input", update);
    box.addEventListener("click", update);
    box.addEventListener("blur", function () { setTimeout(close, 120); });
    box.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (!people.length) {
        return;
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % people.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + people.length) % people.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        pick(active);
      }
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("textarea[data-mention-url]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
