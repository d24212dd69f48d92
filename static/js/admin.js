// Names for the admin's controls that Django leaves unnamed (axe-core's "label", "select-name"
// and "aria-input-field-name" rules): the fields of a tabular inline's row, the two halves of a
// date and time, an autocomplete's combobox.
(function () {
  "use strict";

  // What names a control: its field's <label>, or in a tabular inline its column's header.
  function labelOf(control) {
    var label = control.id && document.querySelector("label[for='" + control.id + "']");
    if (label) {
      return label;
    }
    var cell = control.closest("td");
    var table = cell && cell.closest("table");
    if (table && table.tHead) {
      return table.tHead.rows[0].cells[cell.cellIndex];
    }
    var row = control.closest(".form-row");
    return row && row.querySelector("label");
  }

  // The words just before a control ("Date:", "Time:" of a split date and time), if any.
  function wordsBefore(control) {
    var node = control.previousSibling;
    while (node && node.nodeType === Node.TEXT_NODE && !node.textContent.trim()) {
      node = node.previousSibling;
    }
    return node && node.nodeType === Node.TEXT_NODE ? node.textContent.trim() : "";
  }

  function clean(text) {
    return text.trim().replace(/\s+/g, " ").replace(/[:?]$/, "");
  }

  function nameControls(root) {
    root.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (control) {
      if (control.labels.length || control.hasAttribute("aria-label") ||
          control.hasAttribute("aria-labelledby") || control.name.indexOf("__prefix__") !== -1) {
        return;
      }
      var label = labelOf(control);
      var name = [label ? clean(label.textContent) : "", clean(wordsBefore(control))]
        .filter(Boolean).join(", ");
      if (name) {
        control.setAttribute("aria-label", name);
      }
    });
    // select2 labels its combobox by the chosen value only, nothing when none is chosen.
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var combobox = container && container.querySelector("[role=combobox]");
      var label = labelOf(select);
      if (!combobox || !label || combobox.hasAttribute("data-named")) {
        return;
      }
      label.id = label.id || select.id + "-label";
      var value = combobox.getAttribute("aria-labelledby");
      combobox.setAttribute("aria-labelledby", value ? label.id + " " + value : label.id);
      combobox.setAttribute("data-named", "");
      // The value it shows is text of the combobox, not a read-only textbox of no name.
      var shown = value && document.getElementById(value);
      if (shown) {
        shown.removeAttribute("role");
        shown.removeAttribute("aria-readonly");
      }
    });
  }

  // After Django's own scripts have built the widgets: select2 starts on jQuery's ready, whose
  // handlers run in the order they were given (Django's, in the page's head, first).
  function ready(callback) {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(callback);
    } else {
      document.addEventListener("DOMContentLoaded", callback);
    }
  }

  ready(function () {
    nameControls(document);
  });
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      nameControls(event.target);
    });
  });
})();
