// With JavaScript: empty filters stay out of the address, which stays short to share.
(function () {
  "use strict";
  var filters = document.querySelector("[data-queue-filters]");
  if (!filters) return;
  filters.addEventListener("submit", function () {
    Array.prototype.forEach.call(filters.elements, function (control) {
      if (control.name && control.value === "") control.disabled = true;
    });
  });
  // Back from the results (bfcache), the form must work again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(filters.elements, function (control) { control.disabled = false; });
  });
})();
