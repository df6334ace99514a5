// Documents prepared by a job: ask (HEAD) for one at a time until it is ready, then
// download it, or put its link in place on the page that offers it. Without JavaScript,
// the page offers a link.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-wait-url]"));
  if (!boxes.length) { return; }
  // On a page people work in (a version page with its forms), the ready file takes the
  // place of its "en cours de préparation" line: never a reload under someone typing.
  function offer(box) {
    var status = box.querySelector("[role=status]");
    var link = document.createElement("a");
    link.className = "button button--quiet";
    link.href = box.getAttribute("data-wait-url");
    link.textContent = box.getAttribute("data-wait-label") || "Télécharger";
    box.replaceChildren(link);
    if (status) {  // still announced: the status line stays, read aloud, out of sight
      status.textContent = link.textContent + " : prêt.";
      status.className = "visually-hidden";
      box.appendChild(status);
    }
  }
  function done(box) {
    boxes.shift();
    if (!box.hasAttribute("data-wait-reload")) {
      window.location.href = box.getAttribute("data-wait-url");
      return;
    }
    offer(box);
    if (boxes.length) { window.setTimeout(function () { check(1500); }, 200); }
  }
  function check(delay) {
    var box = boxes[0];
    fetch(box.getAttribute("data-wait-url"), { method: "HEAD", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 200) {
          done(box);
        } else {  // 202: still being prepared; anything else: try again a little later
          window.setTimeout(function () { check(Math.min(delay * 1.5, 10000)); }, delay);
        }
      })
      .catch(function () { window.setTimeout(function () { check(5000); }, 5000); });
  }
  window.setTimeout(function () { check(1500); }, 1000);
}());
