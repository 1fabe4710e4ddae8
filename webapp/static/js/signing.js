// The signature dialog of a task page (templates/inbox/_sign_dialog.html). Without JavaScript the PIN is a
// plain field of the form; with it, submitting a signed step asks for the PIN in a modal dialog first and
// then submits the form with the value of the button that was pressed (a decision keeps its value).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.task-form[data-sign]");
  var dialog = document.getElementById("sign-dialog");
  if (!form || !dialog || typeof dialog.showModal !== "function") { return; }
  var box = document.getElementById("signature-box");
  var pin = document.getElementById("pin");
  var dialogPin = document.getElementById("dialog-pin");
  var submitter = null;
  var confirmed = false;
  box.hidden = true;
  form.addEventListener("submit", function (event) {
    if (confirmed) { return; }
    event.preventDefault();
    submitter = event.submitter || null;
    dialogPin.value = "";
    dialog.showModal();
    dialogPin.focus();
  });
  document.getElementById("dialog-cancel").addEventListener("click", function () { dialog.close("cancel"); });
  dialog.addEventListener("close", function () {
    if (dialog.returnValue !== "sign") { return; }
    pin.value = dialogPin.value;
    dialogPin.value = "";
    confirmed = true;
    if (submitter && submitter.name) {
      // form.submit() sends no submitter: carry the pressed decision button's value in a hidden field.
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = submitter.name;
      carried.value = submitter.value;
      form.appendChild(carried);
    }
    form.submit();
  });
});
