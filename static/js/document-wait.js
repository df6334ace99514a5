// Documents prepared by a job: ask (HEAD) for one at a time until it is ready, then
// download it, or reload the page that links to it once all are. Without JavaScript,
// the page offers a link.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-wait-url]"));
  if (!boxes.length) { return; }
  function done(box) {
    boxes.shift();
    if (!box.hasAttribute("data-wait-reload")) {
      window.location.href = box.getAttribute("data-wait-url");
    } else if (!boxes.length) {
      window.location.reload();
    } else {
      window.setTimeout(function () { check(1500); }, 200);
    }
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
