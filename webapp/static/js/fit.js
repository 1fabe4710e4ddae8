// Sizes a diagram's box to the diagram's own shape (wide lane diagrams leave no empty band under them)
// and fits the drawing in it; shared by the case page (diagram.js) and the auditor's step-through (audit.js).
window.quytrinhFitDiagram = function (viewer, container, minHeight, maxHeight) {
  "use strict";
  var canvas = viewer.get("canvas");
  var box = canvas.viewbox().inner;
  if (box.width > 0) {
    var height = Math.round(container.clientWidth * box.height / box.width) + 40;
    container.style.height = Math.max(minHeight, Math.min(height, maxHeight)) + "px";
    canvas.resized();
  }
  canvas.zoom("fit-viewport", "auto");
  return canvas;
};
