// With JavaScript: the chosen card stands out (where the style sheet cannot do it
// alone) and the button's neighbour says which nominee is chosen.
// Its words come translated in the form's data-chosen: the busiest page of the vote
// loads no catalogue for one sentence.
(function () {
  "use strict";
  var form = document.querySelector("[data-ballot-form]");
  if (!form) return;
  var status = form.querySelector("[data-choice-status]");
  var radios = Array.prototype.slice.call(form.querySelectorAll('input[name="nominee"]'));
  function update(announce) {
    var chosen = null;
    radios.forEach(function (radio) {
      var card = radio.closest(".ballot-card");
      card.classList.toggle("is-selected", radio.checked);
      if (radio.checked) chosen = radio;
    });
    if (announce && chosen) {
      var label = form.querySelector('label[for="' + chosen.id + '"]');
      status.textContent = form.dataset.chosen.replace(
        "%(nominee)s", label.firstChild.textContent.trim()
      );
    }
  }
  radios.forEach(function (radio) {
    radio.addEventListener("change", function () { update(true); });
  });
  update(false);
})();
