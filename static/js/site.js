// Every page: the small-screen menu, the focus on an in-place confirmation, print buttons.
(function () {
  "use strict";

  // Small screens: the main menu folds behind a « Menu » button (aria-expanded).
  // Without JavaScript the menu simply stays open; on wide screens CSS hides the button.
  function foldMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) { return; }
    document.documentElement.classList.add("has-menu-toggle");
    button.hidden = false;

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  // Back on the page after « je soutiens » or « signaler »: the confirmation next to the
  // contribution takes the focus, so a screen reader reads it and the keyboard goes on there.
  function focusConfirmation() {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(id);
    if (target && target.classList.contains("contribution__confirmation")) {
      target.focus();
    }
  }

  // « Imprimer mon code »: the button is shown only where printing from the page works.
  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      var holder = button.closest("[hidden]");
      if (holder) { holder.hidden = false; }
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A table wider than the screen scrolls sideways: the keyboard must reach it too
  // (WCAG 2.1.1). Only the tables that do scroll become a tab stop, named after their
  // caption or the heading above them.
  function regionName(scroller) {
    var caption = scroller.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var heading = scroller.closest("section, article, main");
    heading = heading && heading.querySelector("h2, h3, h1");
    return (heading ? heading.textContent.trim() + " : " : "") + "tableau à faire défiler";
  }

  function scrollableTables() {
    // Templates that declare their own region (tabindex) are left as they are.
    var scrollers = document.querySelectorAll(".table-scroll:not([tabindex])");
    function update() {
      Array.prototype.forEach.call(scrollers, function (scroller) {
        var scrolls = scroller.scrollWidth > scroller.clientWidth + 1;
        if (scrolls) {
          scroller.setAttribute("tabindex", "0");
          scroller.setAttribute("role", "region");
          if (!scroller.hasAttribute("aria-labelledby")) {
            scroller.setAttribute("aria-label", regionName(scroller));
          }
        } else {
          ["tabindex", "role", "aria-label"].forEach(function (name) { scroller.removeAttribute(name); });
        }
      });
    }
    update();
    window.addEventListener("resize", update);
  }

  foldMenu();
  focusConfirmation();
  printButtons();
  scrollableTables();
}());
