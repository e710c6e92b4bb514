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
