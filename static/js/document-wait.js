// A document prepared by a job: ask (HEAD) until it is ready, then download it or
// reload the page that links to it. Without JavaScript, the page offers a link.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-wait-url]");
  if (!boxes.length) { return; }
  function check(box, delay) {
    fetch(box.getAttribute("data-wait-url"), { method: "HEAD", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 200) {
          if (box.hasAttribute("data-wait-reload")) {
            window.location.reload();
          } else {
            window.location.href = box.getAttribute("data-wait-url");
          }
        } else if (response.status === 202) {
          window.setTimeout(function () { check(box, Math.min(delay * 1.5, 10000)); }, delay);
        }
      })
      .catch(function () { window.setTimeout(function () { check(box, 5000); }, 5000); });
  }
  boxes.forEach(function (box) { window.setTimeout(function () { check(box, 1500); }, 1000); });
}());
