// With JavaScript: a file over its limit is refused before it is sent, with the message
// the server would give (each file input carries its limits and messages in data-*).
// The server checks again; this only spares a long upload and a refusal page.
(function () {
  "use strict";

  function problem(input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > Number(input.dataset.maxFiles)) return input.dataset.tooMany;
    var tooLarge = files.filter(function (file) {
      return file.size > Number(input.dataset.maxBytes);
    })[0];
    return tooLarge ? input.dataset.tooLarge.replace("{name}", tooLarge.name) : "";
  }

  function check(input) {
    var message = problem(input);
    input.setCustomValidity(message);
    if (message) input.reportValidity();
    return !message;
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("input[type=file][data-max-bytes]"),
    function (input) {
      input.addEventListener("change", function () { check(input); });
      // The forms are "novalidate" (the server's messages show on the page): the
      // limit is checked on sending as well.
      input.form.addEventListener("submit", function (event) {
        if (!check(input)) event.preventDefault();
      });
    }
  );
})();
