// The designer's visual diff: the two versions drawn one above the other with the bpmn-js viewer (served
// from /static/vendor), removed and changed elements coloured on the older, added and changed ones on the
// newer. The element ids come from the server's diff (engine/services/diff.py) in data-marks.
(function () {
  "use strict";
  var box = document.querySelector(".diff-diagrams");
  if (!box) { return; }
  var marks = JSON.parse(box.dataset.marks || "{}");
  var sides = { old: { removed: "qt-diff-removed", changed: "qt-diff-changed" },
                new: { added: "qt-diff-added", changed: "qt-diff-changed" } };
  box.querySelectorAll(".diff-diagram").forEach(function (container) {
    function fail() { container.textContent = box.dataset.error; container.dataset.state = "error"; }
    if (!window.BpmnJS) { fail(); return; }
    var viewer = new window.BpmnJS({ container: container });
    fetch(container.dataset.xmlUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport", "auto");
        var wanted = sides[container.dataset.side] || {};
        Object.keys(wanted).forEach(function (kind) {
          (marks[kind] || []).forEach(function (id) {
            var element = registry.get(id);
            if (!element) { return; }
            canvas.addMarker(id, wanted[kind]);
            if (/^bpmn:(Lane|Participant)$/.test(element.type)) { canvas.addMarker(id, "qt-diff-area"); }
          });
        });
        container.dataset.state = "ready";
      })
      .catch(fail);
  });
})();
