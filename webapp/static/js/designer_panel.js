// The designer's properties panel: shows and edits what quytrinh reads from the selected element
// (docs/lanes.md): lane/task role, scope and assignee, the step's form, deadline, signature, documents and
// decisions, the process's case settings, a flow's condition. Extension properties are the generic
// <spiffworkflow:properties><spiffworkflow:property name value/> elements (no moddle descriptor, so other
// extension content of the file is kept as it is); every change goes through bpmn-js's command stack
// (undo/redo). The panel's markup and Vietnamese labels come from templates/designer/_panel.html.
(function () {
  "use strict";
  var SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core";
  var READ_FROM = [SPIFF, "http://camunda.org/schema/1.0/bpmn", "https://quytrinh.vn/schema/bpmn/1.0"];
  var TASKS = ["bpmn:UserTask", "bpmn:ManualTask"];

  function uriOf(node) {
    var d = node && node.$descriptor;
    return d && d.ns ? d.ns.uri : null;
  }
  function localOf(node) {
    var d = node && node.$descriptor;
    return d && d.ns ? d.ns.localName : (node && node.$type ? node.$type.split(":").pop() : "");
  }
  function isContainer(node) {
    return localOf(node) === "properties" && READ_FROM.indexOf(uriOf(node)) >= 0;
  }
  function children(container) {
    return (container.$children || []).filter(function (c) { return localOf(c) === "property"; });
  }
  function valueOf(prop) {
    if (prop.value !== undefined && prop.value !== null) { return String(prop.value); }
    return prop.$body ? String(prop.$body) : "";
  }

  // The browser's JSON.parse message is English and differs between browsers (Chrome: "Expected
  // double-quoted property name in JSON at position 19", Firefox: "JSON.parse: expected double-quoted
  // property name at line 1 column 20 of the JSON data"): on a Vietnamese page, say where and what is wrong
  // as the server says it for a form file (webapp/messages.py, "json_error"). First match wins.
  var JSON_ERRORS = [
    [/unterminated string/i, "chuỗi chưa có dấu ngoặc kép đóng"],
    [/control character/i, "chuỗi chứa ký tự xuống dòng hoặc tab: hãy viết \\n hoặc \\t"],
    [/escaped? character|bad escape/i, "dấu «\\» trong chuỗi phải viết là «\\\\»"],
    [/expected ':'/i, "thiếu dấu hai chấm «:» sau tên thuộc tính"],
    [/property name/i, "tên thuộc tính phải đặt trong dấu ngoặc kép \"…\" (và không có dấu phẩy thừa trước «}»)"],
    [/expected ','/i, "thiếu dấu phẩy giữa hai mục, hoặc thiếu dấu đóng «}» hay «]»"],
    [/after JSON/i, "còn nội dung sau khi đối tượng JSON đã kết thúc (thừa dấu «}» hoặc hai đối tượng liền nhau)"],
    [/end of (JSON input|data)|unexpected EOF/i, "nội dung rỗng hoặc bị cắt cụt: thiếu dấu đóng «}» hay «]»"],
    [/unexpected (token|character)|unrecognized token/i,
     "ký tự không hợp lệ ở đây (chuỗi phải đặt trong ngoặc kép, không có dấu phẩy thừa, true/false/null viết thường)"]
  ];

  function jsonProblem(text, message) {
    var vietnamese = /^vi/i.test(document.documentElement.lang || "");
    var known = JSON_ERRORS.filter(function (e) { return e[0].test(message); })[0];
    if (!vietnamese || !known) { return message; }
    var line, column;
    var at = /line (\d+) column (\d+)/.exec(message);
    var position = /position (\d+)/.exec(message);
    if (at) {
      line = +at[1]; column = +at[2];
    } else if (position) {
      var before = text.slice(0, +position[1]).split("\n");
      line = before.length; column = before[before.length - 1].length + 1;
    }
    return (line ? "dòng " + line + ", cột " + column + " — " : "") + known[1];
  }

  // Extension properties of a business object, read as engine/conventions.py reads them.
  function readProperties(bo) {
    var found = {};
    var values = (bo && bo.extensionElements && bo.extensionElements.values) || [];
    READ_FROM.forEach(function (uri) {
      values.filter(function (v) { return isContainer(v) && uriOf(v) === uri; }).forEach(function (container) {
        children(container).forEach(function (p) { if (p.name) { found[p.name] = valueOf(p); } });
      });
    });
    return found;
  }

  function Panel(modeler, root, api) {
    this.modeler = modeler;
    this.root = root;
    this.api = api;          // {files(), setFile(name, text), labels}
    this.element = null;
    this.kind = null;
    var self = this;
    modeler.on("selection.changed", function (e) { self.show(e.newSelection.length === 1 ? e.newSelection[0] : null); });
    modeler.on("elements.changed", function (e) {
      if (self.element && e.elements.indexOf(self.element) >= 0) { self.show(self.element, true); }
    });
    root.querySelectorAll("[data-prop], [data-attr], [data-special]").forEach(function (input) {
      input.addEventListener("change", function () { self.write(input); });
    });
    this.formSelect = root.querySelector("[data-form-select]");
    this.formJson = root.querySelector("[data-form-json]");
    this.formError = root.querySelector("[data-form-error]");
    this.formSelect.addEventListener("change", function () { self.chooseForm(self.formSelect.value); });
    this.formJson.addEventListener("input", function () { self.editForm(); });
    root.querySelector("[data-action=new-form]").addEventListener("click", function () { self.newForm(); });
  }

  Panel.prototype.kindOf = function (element) {
    if (!element) { return "process"; }
    var type = element.type;
    if (type === "bpmn:Lane") { return "lane"; }
    if (TASKS.indexOf(type) >= 0) { return "task"; }
    if (type === "bpmn:StartEvent") { return "start"; }
    if (type === "bpmn:Participant" || type === "bpmn:Process" || type === "bpmn:Collaboration") { return "process"; }
    if (type === "bpmn:SequenceFlow") { return "flow"; }
    if (type === "label") { return null; }
    return "other";
  };

  // The element a field writes to: a participant's or the diagram's process for the "process" panel.
  Panel.prototype.target = function () {
    var element = this.element || this.modeler.get("canvas").getRootElement();
    var bo = element.businessObject;
    if (this.kind === "process") {
      if (bo.$type === "bpmn:Participant") { return { element: element, bo: bo.processRef || bo }; }
      if (bo.$type === "bpmn:Collaboration") {
        var participant = (bo.participants || []).filter(function (p) { return p.processRef; })[0];
        var shape = participant && this.modeler.get("elementRegistry").get(participant.id);
        if (shape) { return { element: shape, bo: participant.processRef }; }
      }
    }
    return { element: element, bo: bo };
  };

  Panel.prototype.show = function (element, keepFocus) {
    if (element && element.type === "label") { element = element.labelTarget; }
    this.element = element;
    this.kind = this.kindOf(element);
    var target = this.target();
    var props = readProperties(target.bo);
    var self = this;
    this.root.querySelectorAll("[data-show]").forEach(function (node) {
      node.hidden = node.dataset.show.split(" ").indexOf(self.kind) < 0;
    });
    this.out("id", target.bo.id || "");
    this.out("type", (target.bo.$type || "").replace("bpmn:", ""));
    this.root.querySelectorAll("[data-prop]").forEach(function (input) {
      if (keepFocus && input === document.activeElement) { return; }
      var value = props[input.dataset.prop] || "";
      if (input.hasAttribute("data-bool")) { input.checked = /^(true|1|yes|có)$/i.test(value.trim()); }
      else { input.value = value; }
    });
    var name = this.root.querySelector("[data-attr=name]");
    if (!(keepFocus && name === document.activeElement)) { name.value = target.bo.name || ""; }
    var condition = this.root.querySelector("[data-special=condition]");
    if (!(keepFocus && condition === document.activeElement)) {
      condition.value = (target.bo.conditionExpression && target.bo.conditionExpression.body) || "";
    }
    if (this.kind === "task") { this.out("lane-assignment", this.laneAssignment(target.bo) || "—"); }
    if (this.kind === "task" || this.kind === "start") { this.fillForms(props.formJsonSchemaFilename || ""); }
  };

  Panel.prototype.out = function (name, text) {
    this.root.querySelectorAll("[data-out='" + name + "']").forEach(function (node) { node.textContent = text; });
  };

  Panel.prototype.laneAssignment = function (bo) {
    var lanes = this.modeler.get("elementRegistry").filter(function (e) {
      return e.type === "bpmn:Lane" && (e.businessObject.flowNodeRef || []).indexOf(bo) >= 0;
    });
    if (!lanes.length) { return ""; }
    var props = readProperties(lanes[lanes.length - 1].businessObject);
    if (props.assignee) { return props.assignee; }
    return props.role ? props.role + "@" + (props.scope || "case") : "";
  };

  Panel.prototype.write = function (input) {
    var target = this.target();
    var modeling = this.modeler.get("modeling");
    if (input.dataset.attr === "name") {
      var text = input.value.trim();
      if (target.bo === target.element.businessObject) { modeling.updateLabel(target.element, text || null); }
      else { modeling.updateModdleProperties(target.element, target.bo, { name: text || undefined }); }
    } else if (input.dataset.special === "condition") {
      var body = input.value.trim();
      var expression = body ? this.modeler.get("moddle").create("bpmn:FormalExpression", { body: body }) : undefined;
      modeling.updateModdleProperties(target.element, target.bo, { conditionExpression: expression });
    } else if (input.dataset.prop) {
      var value = input.hasAttribute("data-bool") ? (input.checked ? "true" : "") : input.value.trim();
      this.setProperty(target, input.dataset.prop, value);
    }
  };

  // Set (or, with an empty value, remove) one extension property, as a single undoable command. The value
  // goes into the spiffworkflow container; the same name in a camunda/quytrinh container is removed, since
  // it would otherwise win (engine/conventions.py reads spiffworkflow, then camunda, then quytrinh).
  Panel.prototype.setProperty = function (target, name, value) {
    var moddle = this.modeler.get("moddle");
    var bo = target.bo;
    var old = (bo.extensionElements && bo.extensionElements.values) || [];
    var wrote = false;
    var values = [];
    old.forEach(function (item) {
      if (!isContainer(item)) { values.push(item); return; }
      var kept = [];
      (item.$children || []).forEach(function (child) {
        if (localOf(child) === "property" && child.name === name) {
          if (uriOf(item) === SPIFF && value && !wrote) {
            kept.push(moddle.createAny("spiffworkflow:property", SPIFF, { name: name, value: value }));
            wrote = true;
          }
          return;
        }
        kept.push(child);
      });
      if (uriOf(item) === SPIFF && value && !wrote) {
        kept.push(moddle.createAny("spiffworkflow:property", SPIFF, { name: name, value: value }));
        wrote = true;
      }
      if (kept.length) { values.push(copyContainer(moddle, item, kept)); }
    });
    if (value && !wrote) {
      values.push(moddle.createAny("spiffworkflow:properties", SPIFF, {
        $children: [moddle.createAny("spiffworkflow:property", SPIFF, { name: name, value: value })]
      }));
    }
    var extension;
    if (values.length) {
      extension = moddle.create("bpmn:ExtensionElements", { values: values });
      values.forEach(function (v) { v.$parent = extension; });
      extension.$parent = bo;
    }
    this.modeler.get("modeling").updateModdleProperties(target.element, bo, { extensionElements: extension });
  };

  function copyContainer(moddle, item, kept) {
    var copy = moddle.createAny(item.$type, uriOf(item), { $children: kept });
    kept.forEach(function (child) { child.$parent = copy; });
    return copy;
  }

  // Forms: the bundle's JSON files, the chosen one's content editable in place.
  Panel.prototype.fillForms = function (chosen) {
    var select = this.formSelect;
    var names = Object.keys(this.api.files()).filter(function (n) { return /\.json$/i.test(n); }).sort();
    if (chosen && names.indexOf(chosen) < 0) { names.push(chosen); }
    while (select.options.length > 1) { select.remove(1); }
    names.forEach(function (n) { select.add(new Option(n, n)); });
    select.value = chosen;
    this.showFormText(chosen);
  };

  Panel.prototype.showFormText = function (name) {
    var editor = this.root.querySelector("[data-form-editor]");
    editor.hidden = !name;
    if (!name) { return; }
    var text = this.api.files()[name];
    if (document.activeElement !== this.formJson) { this.formJson.value = text === undefined ? "" : text; }
    this.checkJson();
  };

  Panel.prototype.chooseForm = function (name) {
    this.setProperty(this.target(), "formJsonSchemaFilename", name);
  };

  Panel.prototype.editForm = function () {
    var name = this.formSelect.value;
    if (!name) { return; }
    this.api.setFile(name, this.formJson.value);
    this.checkJson();
  };

  Panel.prototype.checkJson = function () {
    var error = "";
    try { JSON.parse(this.formJson.value); } catch (e) { error = jsonProblem(this.formJson.value, e.message); }
    this.formError.hidden = !error;
    this.formError.textContent = error ? this.api.labels.jsonInvalid.replace("{detail}", error) : "";
  };

  Panel.prototype.newForm = function () {
    var bo = this.target().bo;
    var suggested = "forms/" + (bo.id || "form") + ".json";
    var name = window.prompt(this.api.labels.newForm, suggested);
    if (!name) { return; }
    name = name.trim();
    if (!/\.json$/i.test(name)) { name += ".json"; }
    if (this.api.files()[name] === undefined) {
      var schema = { type: "object", title: bo.name || bo.id, required: [], properties: {} };
      this.api.setFile(name, JSON.stringify(schema, null, 2) + "\n");
    }
    this.chooseForm(name);
  };

  window.QuytrinhPanel = Panel;
  window.QuytrinhPanel.readProperties = readProperties;
})();
