/* Live wall: asks the server every 1.5 s for contributions published since the
   last one shown, and puts them at the top. Text is inserted with textContent
   only (never innerHTML), so nothing a participant writes can become markup. */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;
  var wall = document.querySelector("[data-wall-feed]");
  if (!wall || !window.fetch) {
    return;
  }
  var list = document.getElementById("wall-list");
  var status = document.getElementById("wall-status");
  var empty = document.getElementById("wall-empty");
  var max = parseInt(wall.getAttribute("data-wall-max"), 10) || 30;
  var cursor = {
    since: wall.getAttribute("data-wall-since") || "",
    after: wall.getAttribute("data-wall-after") || "0"
  };
  var shown = new Set();
  Array.prototype.forEach.call(list.querySelectorAll("[data-id]"), function (item) {
    shown.add(item.getAttribute("data-id"));
  });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function render(item) {
    var li = element("li", "wall-item wall-item--new");
    li.setAttribute("data-id", String(item.id));
    var meta = element("p", "wall-item__meta");
    meta.appendChild(element("span", "wall-item__kind", item.kind_label));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(element("span", "wall-item__signature", item.signature));
    li.appendChild(meta);
    li.appendChild(element("p", "wall-item__body", item.body));
    return li;
  }

  function announce(count) {
    status.textContent = count === 1
      ? "Une nouvelle contribution."
      : count + " nouvelles contributions.";
  }

  function show(items) {
    var added = 0;
    items.forEach(function (item) {
      var id = String(item.id);
      if (shown.has(id)) {
        return;
      }
      shown.add(id);
      list.insertBefore(render(item), list.firstChild);
      added += 1;
    });
    while (list.children.length > max) {
      shown.delete(list.lastElementChild.getAttribute("data-id"));
      list.removeChild(list.lastElementChild);
    }
    if (added) {
      empty.hidden = true;
      announce(added);
    }
  }

  function feedUrl() {
    var params = new URLSearchParams();
    if (cursor.since) {
      params.set("since", cursor.since);
      params.set("after", cursor.after);
    }
    var query = params.toString();
    return wall.getAttribute("data-wall-feed") + (query ? "?" + query : "");
  }

  function poll() {
    fetch(feedUrl(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store"
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          show(data.items || []);
          if (data.cursor && data.cursor.since) {
            cursor.since = data.cursor.since;
            cursor.after = String(data.cursor.after || 0);
          }
        }
      })
      .catch(function () {
        /* Network hiccup (Wi-Fi of the room): the next round tries again. */
      })
      .then(function () {
        window.setTimeout(poll, INTERVAL_MS);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
