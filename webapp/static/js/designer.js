// The process designer's modeler page: bpmn-js Modeler (served from /static/vendor, no CDN) on a draft's
// files; save the draft, check it with the server's validation (XSD, SpiffWorkflow, quytrinh's rules: the
// same as a deploy), deploy it as a new version. Problems are listed beside the diagram and their elements
// outlined; clicking one selects its element. Texts come from data-msg-* attributes (translated server-side).
(function () {
  "use strict";
  var root = document.getElementById("designer");
  if (!root || !window.BpmnJS || !window.QuytrinhPanel) { return; }
  var status = document.getElementById("designer-status");
  var problemsBox = document.getElementById("problems");
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var modeler = new window.BpmnJS({ container: document.getElementById("canvas") });
  var state = { main: null, files: {}, revision: null, dirty: false, busy: false, marked: [] };
  var labels = {
    jsonInvalid: root.dataset.msgJsonInvalid, newForm: root.dataset.msgNewForm
  };

  function say(text, kind) {
    status.textContent = text || "";
    status.dataset.kind = kind || "";
  }

  function request(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function setDirty(value) {
    state.dirty = value;
    root.dataset.dirty = value ? "true" : "false";
    if (value) { say(root.dataset.msgUnsaved, "info"); }
  }

  // bpmn-js drops references it cannot resolve to an element id; SpiffWorkflow reads loopDataInputRef and
  // loopDataOutputRef as variable names (P1's introducers), so keep them as references to stand-ins.
  function keepUnresolvedReferences(warnings) {
    var moddle = modeler.get("moddle");
    (warnings || []).forEach(function (w) {
      if (!w.element || !w.property || !/^unresolved reference/.test(w.message || "")) { return; }
      if (!/loopData(Input|Output)Ref$/.test(w.property)) { return; }
      w.element.set(w.property, moddle.create("bpmn:DataInput", { id: w.value }));
    });
  }

  function exportFiles() {
    return modeler.saveXML({ format: true }).then(function (result) {
      var files = Object.assign({}, state.files);
      files[state.main] = result.xml;
      return files;
    });
  }

  // Problems ---------------------------------------------------------------------------------------
  function clearMarks() {
    var canvas = modeler.get("canvas");
    state.marked.forEach(function (id) { canvas.removeMarker(id, "qt-problem"); });
    state.marked = [];
  }

  function showProblems(problems, summary) {
    clearMarks();
    var list = problemsBox.querySelector(".problem-list");
    list.textContent = "";
    problemsBox.hidden = !problems.length && !summary;
    problemsBox.querySelector("[data-out=summary]").textContent = summary || "";
    problemsBox.dataset.count = String(problems.length);
    var registry = modeler.get("elementRegistry");
    var canvas = modeler.get("canvas");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.className = "problem";
      var where = document.createElement("button");
      where.type = "button";
      where.className = "link problem-where";
      where.textContent = p.file + ":" + (p.line || "–") + (p.element ? " · " + p.element : "");
      var message = document.createElement("span");
      message.className = "problem-message";
      message.textContent = p.message;
      item.appendChild(where);
      item.appendChild(message);
      var shape = p.element && registry.get(p.element);
      if (shape) {
        item.dataset.element = p.element;
        if (state.marked.indexOf(p.element) < 0) { canvas.addMarker(p.element, "qt-problem"); state.marked.push(p.element); }
        where.addEventListener("click", function () {
          modeler.get("selection").select(shape);
          if (canvas.scrollToElement) { canvas.scrollToElement(shape, { top: 80, bottom: 80, left: 80, right: 80 }); }
        });
      } else {
        where.disabled = !p.element;
      }
      list.appendChild(item);
    });
  }

  function problemsOf(result) {
    var problems = (result.data && result.data.problems) || [];
    var summary = result.data && result.data.message;
    if (problems.length) {
      summary = root.dataset.msgProblems.replace("{n}", String(problems.length));
    }
    showProblems(problems, result.status === 200 ? "" : summary);
    return problems;
  }

  // Actions ----------------------------------------------------------------------------------------
  function busy(promise, text) {
    if (state.busy) { return Promise.resolve(null); }
    state.busy = true;
    root.setAttribute("aria-busy", "true");
    say(text, "info");
    return promise().catch(function (error) {
      say(root.dataset.msgFailed, "error");
      if (window.console) { window.console.error(error); }
      return null;
    }).then(function (value) {
      state.busy = false;
      root.removeAttribute("aria-busy");
      return value;
    });
  }

  function save() {
    return exportFiles().then(function (files) {
      return request(root.dataset.saveUrl, { main: state.main, files: files, revision: state.revision })
        .then(function (result) {
          if (result.status !== 200) {
            say(result.data.message || root.dataset.msgFailed, "error");
            return false;
          }
          state.files = files;
          state.revision = result.data.draft.revision;
          setDirty(false);
          say(result.data.message, "success");
          return true;
        });
    });
  }

  function validate() {
    return exportFiles().then(function (files) {
      return request(root.dataset.validateUrl, { main: state.main, files: files }).then(function (result) {
        var problems = problemsOf(result);
        if (result.status === 200) { say(result.data.message, "success"); }
        else if (!problems.length) { say(result.data.message || root.dataset.msgFailed, "error"); }
        else { say(root.dataset.msgProblems.replace("{n}", String(problems.length)), "error"); }
        return result;
      });
    });
  }

  function deploy() {
    return save().then(function (saved) {
      if (!saved) { return null; }
      say(root.dataset.msgDeploying, "info");
      return request(root.dataset.deployUrl, { revision: state.revision }).then(function (result) {
        if (result.status === 200) {
          say(result.data.message, "success");
          window.location.assign(result.data.redirect);
          return result;
        }
        var problems = problemsOf(result);
        say(problems.length ? root.dataset.msgProblems.replace("{n}", String(problems.length))
          : (result.data.message || root.dataset.msgFailed), "error");
        return result;
      });
    });
  }

  function download() {
    modeler.saveXML({ format: true }).then(function (result) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([result.xml], { type: "application/xml" }));
      link.download = state.main.split("/").pop();
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  root.querySelector("[data-action=save]").addEventListener("click", function () {
    busy(save, root.dataset.msgSaving);
  });
  root.querySelector("[data-action=validate]").addEventListener("click", function () {
    busy(validate, root.dataset.msgValidating);
  });
  root.querySelector("[data-action=deploy]").addEventListener("click", function () {
    busy(deploy, root.dataset.msgDeploying);
  });
  root.querySelector("[data-action=download]").addEventListener("click", download);
  var diffLink = root.querySelector("[data-action=diff]");
  if (diffLink) {
    diffLink.addEventListener("click", function (event) {   // the diff is of the saved draft: save first
      if (!state.dirty) { return; }
      event.preventDefault();
      busy(save, root.dataset.msgSaving).then(function (saved) { if (saved) { window.location.assign(diffLink.href); } });
    });
  }
  window.addEventListener("beforeunload", function (event) {
    if (state.dirty && !state.busy) { event.preventDefault(); event.returnValue = root.dataset.msgLeave; }
  });

  // The whole diagram in view, to the right of the palette (fit-viewport would put its left part under it).
  function fitBesidePalette() {
    var canvas = modeler.get("canvas");
    var box = canvas.viewbox();
    var inner = box.inner;
    var palette = root.querySelector(".djs-palette");
    var left = palette ? palette.offsetLeft + palette.offsetWidth + 16 : 16;
    var width = box.outer.width, height = box.outer.height;
    if (!inner.width || !inner.height || width <= left + 32) { canvas.zoom("fit-viewport", "auto"); return; }
    var zoom = Math.min((width - left - 16) / inner.width, (height - 32) / inner.height, 1);
    canvas.viewbox({ x: inner.x - left / zoom, y: inner.y - (height / zoom - inner.height) / 2,
                     width: width / zoom, height: height / zoom });
  }

  // Start ------------------------------------------------------------------------------------------
  say(root.dataset.msgLoading, "info");
  fetch(root.dataset.bundleUrl, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (bundle) {
      state.main = bundle.main;
      state.files = bundle.files;
      state.revision = bundle.draft.revision;
      return modeler.importXML(bundle.files[bundle.main]);
    })
    .then(function (result) {
      keepUnresolvedReferences(result.warnings);
      new window.QuytrinhPanel(modeler, document.getElementById("props"), {
        files: function () { return state.files; },
        setFile: function (name, text) { state.files[name] = text; setDirty(true); },
        labels: labels
      }).show(null);
      fitBesidePalette();
      modeler.on("commandStack.changed", function () { setDirty(true); });
      say("", "");
      root.dataset.state = "ready";
    })
    .catch(function (error) {
      say(root.dataset.msgLoadFailed + " " + (error && error.message ? error.message : ""), "error");
      root.dataset.state = "error";
    });
})();
