// A background job's page (templates/jobs/job_detail.html): the progress bar, and polling the job's status
// until it is done or failed. The state lives on the server, so a reload picks up where it was.
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root) {
    return;
  }
  var part = function (name) {
    return root.querySelector('[data-job="' + name + '"]');
  };
  var bar = part("bar");
  var fill = part("bar-fill");
  var delay = 1000;

  function show(state) {
    fill.style.width = state.percent + "%";
    bar.setAttribute("aria-valuenow", String(state.percent));
    part("status_label").textContent = state.status_label.charAt(0).toUpperCase() + state.status_label.slice(1);
    part("counts").textContent = state.total
      ? state.done.toLocaleString() + " / " + state.total.toLocaleString() + " (" + state.percent + "%)"
      : state.percent + "%";
    part("message").textContent = state.message;
    part("error").textContent = state.error;
    part("error-box").classList.toggle("d-none", !state.error);
    var download = part("download");
    download.href = state.download_url || "#";
    part("download-box").classList.toggle("d-none", !state.download_url);
    part("hint").classList.toggle("d-none", state.finished);
    if (state.finished) {
      fill.classList.remove("progress-bar-striped", "progress-bar-animated");
      fill.classList.toggle("bg-success", state.status === "done");
      fill.classList.toggle("bg-danger", state.status === "failed");
    }
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        delay = 1000;
        if (!state.finished) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000); // server restarting or offline: try again, less often
        window.setTimeout(poll, delay);
      });
  }

  fill.style.width = root.dataset.percent + "%";
  if (root.dataset.status === "queued" || root.dataset.status === "running") {
    window.setTimeout(poll, delay);
  }
})();
