// The auditor's step-through (templates/audit/case.html): one journal event at a time, forward and back,
// with its element highlighted on the case's diagram (bpmn-js viewer, served from /static/vendor) and the
// tasks waiting after it marked. Without JavaScript every event stays listed on the page.
(function () {
  "use strict";
  var stepper = document.getElementById("stepper");
  if (!stepper) { return; }
  var steps = Array.prototype.slice.call(stepper.querySelectorAll(".audit-step"));
  if (!steps.length) { return; }
  stepper.classList.add("js");
  var position = document.getElementById("step-position");
  var buttons = {
    first: document.getElementById("step-first"), prev: document.getElementById("step-prev"),
    next: document.getElementById("step-next"), last: document.getElementById("step-last")
  };
  Object.keys(buttons).forEach(function (k) { if (buttons[k]) { buttons[k].hidden = false; } });
  var current = 0;
  var viewer = null;
  var marked = [];

  function ids(step, name) {
    var value = step.getAttribute("data-" + name) || "";
    return value.split(" ").filter(function (x) { return x; });
  }

  function mark() {
    if (!viewer) { return; }
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    marked.forEach(function (m) { canvas.removeMarker(m[0], m[1]); });
    marked = [];
    var step = steps[current];
    var highlight = ids(step, "highlight");
    ids(step, "active").forEach(function (id) {
      if (highlight.indexOf(id) < 0 && registry.get(id)) { canvas.addMarker(id, "qt-waiting"); marked.push([id, "qt-waiting"]); }
    });
    highlight.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "qt-current"); marked.push([id, "qt-current"]); }
    });
  }

  function show(index) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach(function (step, i) { step.classList.toggle("is-current", i === current); });
    var seq = steps[current].getAttribute("data-seq");
    stepper.setAttribute("data-current-seq", seq);
    position.textContent = (stepper.getAttribute("data-position") || "{i} / {n}")
      .replace("{i}", String(current + 1)).replace("{n}", String(steps.length));
    buttons.prev.disabled = buttons.first.disabled = current === 0;
    buttons.next.disabled = buttons.last.disabled = current === steps.length - 1;
    if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#step-" + seq); }
    mark();
  }

  buttons.first.addEventListener("click", function () { show(0); });
  buttons.prev.addEventListener("click", function () { show(current - 1); });
  buttons.next.addEventListener("click", function () { show(current + 1); });
  buttons.last.addEventListener("click", function () { show(steps.length - 1); });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
  });

  var start = 0;
  var wanted = /^#step-(\d+)$/.exec(window.location.hash || "");
  if (wanted) {
    steps.forEach(function (step, i) { if (step.getAttribute("data-seq") === wanted[1]) { start = i; } });
  }
  show(start);

  var container = document.getElementById("audit-diagram");
  if (!container) { return; }
  if (!window.BpmnJS) { container.textContent = container.getAttribute("data-error"); return; }
  viewer = new window.BpmnJS({ container: container });
  fetch(container.getAttribute("data-xml-url"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      window.quytrinhFitDiagram(viewer, container, 240, 560);
      mark();
      container.setAttribute("data-state", "ready");
    })
    .catch(function () { container.textContent = container.getAttribute("data-error"); container.setAttribute("data-state", "error"); });
})();
