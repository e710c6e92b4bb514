// The open-a-case page (workflows/case_open.html).
(function () {
  const form = document.querySelector("form[data-testid=open-form]");
  form.querySelectorAll("input, select, textarea").forEach(e => e.classList.add(e.tagName === "SELECT" ? "form-select" : "form-control"));
  // Show only what the chosen case type asks for: a household or a region; the appraisal for an exit.
  const regionTypes = ["village_exit", "county_exit"];
  function sync() {
    const type = form.querySelector("#id_case_type").value;
    const byRegion = regionTypes.includes(type);
    form.querySelector("[data-field=household]").hidden = byRegion;
    form.querySelector("[data-field=region]").hidden = !byRegion;
    form.querySelectorAll("[data-field^=appraisal_]").forEach(el => { el.hidden = type !== "household_exit"; });
    form.querySelectorAll("[data-field=closing_reason]").forEach(el => { el.hidden = type !== "closing"; });
    form.querySelectorAll("[data-field=category], [data-field=trigger_note]").forEach(el => { el.hidden = type !== "monitoring"; });
  }
  form.querySelector("#id_case_type").addEventListener("change", sync);
  sync();
})();
