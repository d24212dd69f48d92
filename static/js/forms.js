// Forms that think: small progressive enhancements; every form works without them and the
// server checks every value anyway.
(function () {
  "use strict";

  // The unit select offers only the units of the chosen product (options carry data-product).
  function filterUnits(product, units) {
    function apply() {
      let selectedHidden = false;
      for (const option of units.options) {
        if (!option.dataset.product) continue;
        const hide = Boolean(product.value) && option.dataset.product !== product.value;
        option.hidden = hide;
        option.disabled = hide;
        if (hide && option.selected) selectedHidden = true;
      }
      if (selectedHidden) units.value = "";
    }
    product.addEventListener("change", apply);
    apply();
  }

  // The time-zone select (data-detected-label): the browser's zone is offered first as
  // "Detected: …"; with data-preselect-detected (no zone chosen yet) it is also preselected.
  function detectZone(select) {
    let zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    const known = Array.from(select.options).find((option) => option.value === zone);
    if (!known) return;
    const label = select.dataset.detectedLabel.replace("%s", known.textContent.trim());
    const detected = new Option(label, zone);
    select.insertBefore(detected, select.firstChild);
    if ("preselectDetected" in select.dataset) detected.selected = true;
  }

  function init() {
    const product = document.querySelector("select[data-units-of]");
    if (product) {
      const units = document.getElementById(product.dataset.unitsOf);
      if (units) filterUnits(product, units);
    }
    document.querySelectorAll("select[data-detected-label]").forEach(detectZone);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
