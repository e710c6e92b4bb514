// The household form (households/household_form.html).
(function () {
  // Birth date and sex are derived from a resident ID card (§3.2): show them only for other certificates.
  function sync(scope) {
    scope.querySelectorAll(".member-form").forEach(function (card) {
      var type = card.querySelector("select[name$='-id_type']");
      if (!type) return;
      card.querySelectorAll(".derived").forEach(function (el) {
        el.hidden = type.value === "resident_id";
      });
    });
  }
  var box = document.getElementById("member-forms");
  box.addEventListener("change", function (ev) {
    if (ev.target.name && ev.target.name.endsWith("-id_type")) sync(box);
  });
  document.getElementById("add-member").addEventListener("click", function () {
    var total = document.getElementById("id_members-TOTAL_FORMS");
    var n = parseInt(total.value, 10);
    var html = document.getElementById("member-template").innerHTML
      .replace(/__prefix__/g, String(n)).replace(/__index__/g, String(n + 1));
    box.insertAdjacentHTML("beforeend", html);
    total.value = String(n + 1);
    sync(box);
    var added = box.lastElementChild.querySelector("input[name$='-name']");
    if (added) added.focus();
  });
  sync(box);
})();

// The income years table (households/partials/income_years.html, issue 13): the derived totals follow
// the typed items, and the reason field appears once a closed year's values change.
(function () {
  var table = document.querySelector(".income-table");
  if (!table) return;
  var TRANSFER = ["family_planning", "dibao", "tekun", "pension", "eco_compensation", "other_transfer"];
  var RIGID = ["medical_expense", "education_expense", "disaster_loss"];
  var members = parseInt(table.dataset.members || "0", 10);
  var reason = document.querySelector(".income-reason");

  function fen(input) {  // whole fen, so sums are exact
    var value = parseFloat(input ? input.value : "");
    return isFinite(value) ? Math.round(value * 100) : 0;
  }
  function yuan(f) {
    var sign = f < 0 ? "-" : "";
    f = Math.abs(f);
    return sign + Math.floor(f / 100) + "." + String(f % 100).padStart(2, "0");
  }
  function perCapita(net, n) {  // half-up to the fen, as households/income.py per_capita
    if (n <= 0) return null;
    var q = Math.floor((2 * Math.abs(net) + n) / (2 * n));
    return net < 0 ? -q : q;
  }
  function show(year, total, value) {
    var cell = table.querySelector("td[data-total='" + total + "'][data-year='" + year + "']");
    if (cell) cell.textContent = value === null ? "—" : yuan(value);
  }
  function update(year) {
    var inputs = table.querySelectorAll("input[data-year='" + year + "']");
    var item = {};
    var typed = false;
    inputs.forEach(function (input) {
      item[input.dataset.item] = fen(input);
      if (input.value.trim() !== "") typed = true;
    });
    if (!typed) {
      ["transfer", "net", "per_capita", "rigid_expenditure"].forEach(function (t) { show(year, t, null); });
      return;
    }
    var transfer = TRANSFER.reduce(function (s, k) { return s + (item[k] || 0); }, 0);
    var net = (item.wages || 0) + (item.business || 0) + (item.property || 0) + transfer - (item.business_costs || 0);
    show(year, "transfer", transfer);
    show(year, "net", net);
    show(year, "per_capita", perCapita(net, members));
    show(year, "rigid_expenditure", RIGID.reduce(function (s, k) { return s + (item[k] || 0); }, 0));
  }
  function closedChanged() {
    var changed = false;
    table.querySelectorAll("input[data-closed]").forEach(function (input) {
      if (fen(input) !== Math.round((parseFloat(input.defaultValue) || 0) * 100)) changed = true;
    });
    return changed;
  }
  table.addEventListener("input", function (ev) {
    if (!ev.target.dataset || !ev.target.dataset.year) return;
    update(ev.target.dataset.year);
    if (reason && closedChanged()) reason.hidden = false;
  });
})();
