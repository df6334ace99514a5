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

  // A reading table too wide for a phone's screen is read row by row instead: each row
  // becomes a block and each cell says its column (« Part : 4,7 % »), so nothing hides
  // off to the right. Its header row stays for screen readers, and explicit roles keep the
  // table's meaning once CSS no longer lays it out as a table. A table whose header holds
  // controls (« tout cocher ») keeps its columns and scrolls.
  function columnLabels(table) {
    var labels = [];
    var header = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!header) { return labels; }
    Array.prototype.forEach.call(header.cells, function (cell) {
      var text = cell.textContent.replace(/\u00ad/g, "").replace(/\s+/g, " ").trim();
      for (var i = 0; i < cell.colSpan; i += 1) { labels.push(text); }
    });
    return labels;
  }

  function cellRole(cell, inHead) {
    if (inHead) { return "columnheader"; }
    return cell.tagName === "TH" ? "rowheader" : "cell";
  }

  function labelCells(table) {
    var labels = columnLabels(table);
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      var inHead = row.parentNode.tagName === "THEAD";
      var column = 0;
      row.setAttribute("role", "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        cell.setAttribute("role", cellRole(cell, inHead));
        if (!inHead && cell.tagName === "TD" && labels[column]) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan;
      });
    });
  }

  function stackableTables() {
    var tables = document.querySelectorAll(".table-scroll > table");
    return Array.prototype.filter.call(tables, function (table) {
      var head = table.tHead;
      return head && !head.querySelector("input, button, select, a");
    });
  }

  var phone = window.matchMedia("(max-width: 40rem)");

  function stackWideTables(tables) {
    tables.forEach(function (table) { table.classList.remove("table-stack"); });
    if (!phone.matches) { return; }
    var wide = tables.filter(function (table) {
      var box = table.parentNode;
      return box.scrollWidth > box.clientWidth + 1;
    });
    wide.forEach(function (table) { table.classList.add("table-stack"); });
  }

  // A region a template declares (it scrolls even without JavaScript) is no tab stop
  // while its table is read row by row: nothing to scroll. Its attributes come back when
  // the table is a table again.
  var REGION = ["tabindex", "role", "aria-label", "aria-labelledby"];

  function declaredRegions() {
    var boxes = document.querySelectorAll(".table-scroll[tabindex]");
    return Array.prototype.map.call(boxes, function (box) {
      var kept = {};
      REGION.forEach(function (name) { kept[name] = box.getAttribute(name); });
      return { box: box, kept: kept };
    });
  }

  function settleDeclared(regions) {
    regions.forEach(function (region) {
      var stacked = region.box.querySelector(":scope > table.table-stack");
      REGION.forEach(function (name) {
        var value = region.kept[name];
        if (stacked || value === null) {
          region.box.removeAttribute(name);
        } else {
          region.box.setAttribute(name, value);
        }
      });
    });
  }

  function scrollableTables() {
    var tables = stackableTables();
    tables.forEach(labelCells);
    var declared = declaredRegions();
    // Templates that declare their own region (tabindex) keep it while their table scrolls.
    var scrollers = document.querySelectorAll(".table-scroll:not([tabindex])");
    function update() {
      stackWideTables(tables);
      settleDeclared(declared);
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
