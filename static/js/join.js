/* One-tap join (portal) and the join queue (console). No inline scripts anywhere: a CSP comes later.
   Every page works without this file; it only saves taps. */
(function () {
  "use strict";

  // Portal: picking an employer from the search puts its full name in the box, so the worker sees the pick.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("input[name=employer_org][data-employer-name]")) {
      var box = document.getElementById("id_employer_name");
      if (box) box.value = target.getAttribute("data-employer-name");
    }
    // A new province empties the district list until its cities are chosen again.
    if (target.id === "id_work_province") {
      var county = document.getElementById("id_work_division_code");
      if (county) county.selectedIndex = 0;
      while (county && county.options.length > 1) county.remove(1);
    }
    if (target.matches && target.matches("[data-select-all]")) {
      var name = target.getAttribute("data-select-all");
      var form = target.form || document;
      form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches && target.matches("input[type=checkbox][name=ids], [data-select-all]")) {
      updateSelectedCount(target.form);
    }
  });

  // Typing a new employer name drops an earlier pick: the pick belonged to the old search.
  document.addEventListener("input", function (event) {
    if (event.target.id === "id_employer_name") {
      document.querySelectorAll("input[name=employer_org]:checked").forEach(function (radio) {
        radio.checked = false;
      });
    }
  });

  function updateSelectedCount(form) {
    if (!form) return;
    var label = form.querySelector("[data-selected-count]");
    if (!label) return;
    var n = form.querySelectorAll("input[type=checkbox][name=ids]:checked").length;
    if (!label.hasAttribute("data-idle")) label.setAttribute("data-idle", label.textContent);
    label.textContent = n ? label.getAttribute("data-template").replace("%s", n) : label.getAttribute("data-idle");
  }

  // Buttons that change something for good ask once more.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
