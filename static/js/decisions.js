// Decision forms: the action list offers only the actions of the chosen fiche.
// Without JavaScript every action stays listed, grouped by fiche, and the server
// still refuses an action of another fiche.
(function () {
  "use strict";

  function narrow(action, fiche, groups) {
    var chosen = action.value;
    groups.forEach(function (group) { group.remove(); });
    var kept = groups.filter(function (group) { return group.dataset.fiche === fiche.value; });
    kept.forEach(function (group) { action.appendChild(group); });
    var stillThere = Array.prototype.some.call(action.options, function (option) {
      return option.value === chosen;
    });
    action.value = stillThere ? chosen : "0";
  }

  document.querySelectorAll("select[data-actions-of]").forEach(function (action) {
    var fiche = document.getElementById(action.dataset.actionsOf);
    if (!fiche) return;
    var groups = Array.prototype.slice.call(action.querySelectorAll("optgroup"));
    fiche.addEventListener("change", function () { narrow(action, fiche, groups); });
    narrow(action, fiche, groups);
  });
})();
