// With JavaScript: a "select all on this page" box and a count of the selection.
// Its words come from the translation catalogue loaded before it (gettext, ngettext).
(function () {
  "use strict";
  var form = document.querySelector("[data-queue-form]");
  if (!form) return;
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="project"]'));
  var count = form.querySelector("[data-selected-count]");
  var header = form.querySelector("thead .table__select");
  if (!boxes.length || !header) return;
  var all = document.createElement("input");
  all.type = "checkbox";
  all.id = "select-all";
  var label = document.createElement("label");
  label.htmlFor = "select-all";
  label.className = "visually-hidden";
  label.textContent = gettext("Select every submission on this page");
  header.textContent = "";
  header.appendChild(all);
  header.appendChild(label);

  function selectedCount() {
    return boxes.filter(function (box) { return box.checked; }).length;
  }

  function update() {
    var selected = selectedCount();
    all.checked = selected === boxes.length;
    all.indeterminate = selected > 0 && selected < boxes.length;
    count.textContent = selected
      ? interpolate(gettext("%(count)s selected"), {count: selected}, true)
      : "";
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    update();
  });
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  form.addEventListener("submit", function (event) {
    var selected = selectedCount();
    if (!selected) return;  // the server says what to do
    var question = ngettext(
      "Accept %(count)s submission as a nominee? Its submitter is told by e-mail.",
      "Accept %(count)s submissions as nominees? Each submitter is told by e-mail.",
      selected
    );
    if (!window.confirm(interpolate(question, {count: selected}, true))) {
      event.preventDefault();
    }
  });
  update();
})();
