// A button that does what cannot be undone asks first: its data-confirm attribute holds
// the question, in the page's language. Without JavaScript the button acts at once.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
