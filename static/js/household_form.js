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

// A new member's school status and labour ability, proposed from the age (households/age_defaults.py,
// issue 15): filled in once the resident ID number (or the birth date of another certificate) gives the
// age as of the server's today; the user sees the proposal and may change it. A value the user chose
// is never overwritten; a proposal follows a corrected number.
(function () {
  var box = document.getElementById("member-forms");
  if (!box || !box.dataset.proposals) return;
  var rules = JSON.parse(box.dataset.proposals);
  var today = box.dataset.today.split("-").map(Number);

  function realDate(y, m, d) {
    var t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? [y, m, d] : null;
  }
  function birthOf(card) {
    var type = card.querySelector("select[name$='-id_type']");
    if (type && type.value === "other") {
      var typed = card.querySelector("input[name$='-birth_date']");
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed ? typed.value : "");
      return m ? realDate(+m[1], +m[2], +m[3]) : null;
    }
    var input = card.querySelector("input[name$='-id_number']");
    var id = input ? input.value.trim().toUpperCase() : "";
    if (!/^\d{17}[\dX]$/.test(id)) return null;
    return realDate(+id.slice(6, 10), +id.slice(10, 12), +id.slice(12, 14));
  }
  function ageOn(b) {  // full years, as households/idnumber.py age_on
    var age = today[0] - b[0];
    if (today[1] < b[1] || (today[1] === b[1] && today[2] < b[2])) age -= 1;
    return age;
  }
  function proposal(age, school) {  // as households/age_defaults.py proposal_for
    var row = rules.ages.find(function (r) { return r[0] <= age && age <= r[1]; });
    if (!row) return ["", ""];
    var labour = row[3];
    if (school && school !== rules.not_in_school) {
      labour = rules.student_labour.find(function (r) { return r[0] <= age && age <= r[1]; })[2];
    } else if (school && !labour) labour = rules.labour_not_in_school;
    return [row[2], labour];
  }
  function offer(select, value) {  // only into an empty field or over an earlier proposal
    if (!select || !(select.value === "" || select.value === select.dataset.proposed)) return;
    select.value = value;
    if (value) select.dataset.proposed = value; else delete select.dataset.proposed;
  }
  function propose(card) {
    var school = card.querySelector("select[data-propose='school_status']");
    var labour = card.querySelector("select[data-propose='labour_ability']");
    if (!school || !labour) return;
    var birth = birthOf(card);
    var age = birth ? ageOn(birth) : -1;
    var note = card.querySelector(".proposal-note");
    if (age < 0) return;
    offer(school, proposal(age, "")[0]);
    offer(labour, proposal(age, school.value)[1]);
    if (note) {
      note.textContent = box.dataset.proposalNote.replace("__AGE__", String(age));
      note.hidden = false;
    }
  }
  function onEdit(ev) {
    var card = ev.target.closest && ev.target.closest(".member-form");
    if (!card || !ev.target.name) return;
    if (ev.target.dataset.propose) {
      delete ev.target.dataset.proposed;  // the user's own choice from now on
      if (ev.target.dataset.propose === "school_status") propose(card);  // 16–17: labour follows school
      return;
    }
    if (/-(id_number|birth_date|id_type)$/.test(ev.target.name)) propose(card);
  }
  box.addEventListener("input", onEdit);
  box.addEventListener("change", onEdit);
  box.querySelectorAll(".member-form").forEach(propose);
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
