// Draws a case's BPMN diagram with the bpmn-js viewer (served from /static/vendor, no CDN) and marks
// the steps done, being handled and waiting, from /cases/<number>/progress.json.
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container) { return; }
  function fail() {
    container.textContent = container.dataset.error;
    container.dataset.state = "error";
  }
  if (!window.BpmnJS) { fail(); return; }
  var viewer = new window.BpmnJS({ container: container });
  var get = function (url, kind) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + " " + r.status); }
      return kind === "json" ? r.json() : r.text();
    });
  };
  Promise.all([get(container.dataset.xmlUrl, "text"), get(container.dataset.progressUrl, "json")])
    .then(function (results) {
      return viewer.importXML(results[0]).then(function () { return results[1]; });
    })
    .then(function (progress) {
      var canvas = window.quytrinhFitDiagram(viewer, container, 260, 720);
      var registry = viewer.get("elementRegistry");
      var marks = { "qt-done": progress.done, "qt-active": progress.active, "qt-waiting": progress.waiting };
      Object.keys(marks).forEach(function (marker) {
        (marks[marker] || []).forEach(function (id) {
          if (registry.get(id)) { canvas.addMarker(id, marker); }
        });
      });
      container.dataset.state = "ready";
    })
    .catch(fail);
})();
