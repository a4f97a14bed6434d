// A background job's page: poll its status until it is done, then show the download.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.dataset.statusUrl;
  function show(id, visible) { document.getElementById(id).hidden = !visible; }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("job-status").textContent = job.status_label;
        document.getElementById("job-count").textContent = job.total ? job.done + " / " + job.total : String(job.done);
        document.getElementById("job-progress").value = job.percent;
        document.getElementById("job-percent").textContent = job.percent + "%";
        document.getElementById("job-error").textContent = job.error;
        show("job-error", Boolean(job.error));
        show("job-wait", !job.finished);
        if (job.finished) {
          show("job-download", job.status === "done");
          if (job.link) {
            var link = document.getElementById("job-link");
            link.href = job.link;
            link.textContent = job.link_label;
            link.hidden = false;
          }
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (document.getElementById("job-wait").hidden === false) { poll(); }
})();
