// An import's page while its background job runs: poll the job's status, fill the progress bar, and
// reload the page when the job has ended (the batch then shows its preview or its result).
(function () {
  "use strict";
  function start() {
    var root = document.getElementById("import-progress");
    if (!root || !root.dataset.statusUrl) {
      return;
    }
    var bar = root.querySelector('[data-import="bar"]');
    var text = root.querySelector('[data-import="text"]');
    function poll() {
      fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (state) {
          bar.value = state.percent;
          bar.textContent = state.percent + "%";
          text.textContent = (state.total ? state.done.toLocaleString() + " / " + state.total.toLocaleString() + " — " : "") +
            state.percent + "% " + (state.message || "");
          if (state.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }
    poll();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
