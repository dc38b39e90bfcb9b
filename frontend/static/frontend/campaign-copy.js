// With JavaScript: a button beside the share link that copies it. Without, the link
// stays in its field, selected on focus by the browser, to copy by hand.
// Its words come from the translation catalogue loaded before it (gettext).
(function () {
  "use strict";
  var field = document.getElementById("share-link");
  if (!field || !navigator.clipboard) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary campaign__copy";
  button.textContent = gettext("Copy the link");
  var status = document.createElement("span");
  status.className = "campaign__copied";
  status.setAttribute("role", "status");
  field.insertAdjacentElement("afterend", button);
  button.insertAdjacentElement("afterend", status);
  field.addEventListener("focus", function () { field.select(); });
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () { status.textContent = gettext("Copied"); },
      function () {
        field.select();
        status.textContent = gettext("Select the link and copy it.");
      }
    );
  });
})();
