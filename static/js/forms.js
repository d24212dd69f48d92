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

  // The time-zone select (data-detect-zone): when nothing is chosen yet, the browser's zone is
  // offered first as "Detected: …" and preselected.
  function detectZone(select) {
    let zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return;
    }
    if (!zone || select.value) return;
    const known = Array.from(select.options).find((option) => option.value === zone);
    if (!known) return;
    const detected = new Option(
      select.dataset.detectedLabel.replace("%s", known.textContent.trim()),
      zone,
      true,
      true,
    );
    detected.dataset.detected = "";
    select.insertBefore(detected, select.options[0].value ? select.options[0] : select.options[1] || null);
    select.value = zone;
  }

  function init() {
    const product = document.querySelector("select[data-units-of]");
    if (product) {
      const units = document.getElementById(product.dataset.unitsOf);
      if (units) filterUnits(product, units);
    }
    document.querySelectorAll("select[data-detect-zone]").forEach(detectZone);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
