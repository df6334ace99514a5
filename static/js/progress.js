// A synthesis being prepared: poll its job and show progress; reload when it is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-url]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var state = box.querySelector("[role=status]");
  function poll() {
    fetch(box.getAttribute("data-job-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.progress;
        state.textContent = job.label.charAt(0).toUpperCase() + job.label.slice(1) +
          (job.message ? " : " + job.message : "") + " (" + job.progress + " %)";
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
}());
