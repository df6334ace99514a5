// The curation of a synthesis's ideas: back on the page after a change (the address ends
// in #retouche-… or #curation), its confirmation or refusal takes the focus, so a screen
// reader reads it and the keyboard goes on from the idea's panel, not from the page's top.
// On « load »: the browser's own scroll to the #fragment, earlier, resets the focus.
(function () {
  "use strict";
  var id = window.location.hash.slice(1);
  if (!/^(retouche-[0-9]+-[0-9]+|curation)$/.test(id)) { return; }
  function focusMessage() {
    var box = document.getElementById(id);
    var message = box && box.querySelector(".flash[role][tabindex='-1']");
    if (message) { message.focus(); }
  }
  if (document.readyState === "complete") {
    focusMessage();
  } else {
    window.addEventListener("load", focusMessage);
  }
}());
