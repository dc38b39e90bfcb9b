// With JavaScript: a field with a word limit (data-max-words) counts its words as the
// person types. Words are counted as the server counts them (awards/rules.py,
// word_count: Python's str.split(), runs of whitespace separate words). The count in
// the field's hint changes at each keystroke, silently; screen readers hear it once,
// politely, when typing pauses. Without JavaScript the server shows the count after
// each save. Its words come from the translation catalogue loaded before it.
(function () {
  "use strict";

  // The characters Python's str.split() takes for whitespace.
  var WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var PAUSE_MS = 1500;

  function wordCount(text) {
    return text.split(WHITESPACE).filter(Boolean).length;
  }

  function wordsNow(count) {
    return interpolate(
      ngettext("It has %(count)s word now.", "It has %(count)s words now.", count),
      {count: count},
      true
    );
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("textarea[data-max-words]"),
    function (field) {
      var hint = document.getElementById(field.id + "_helptext");
      var shown = hint && hint.querySelector("[data-word-count]");
      if (!shown) return;
      var min = Number(field.dataset.minWords || 0);
      var max = Number(field.dataset.maxWords);
      var status = document.createElement("span");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      status.dataset.wordCountStatus = "";
      hint.parentNode.insertBefore(status, hint.nextSibling);
      var pause = null;

      function update() {
        var count = wordCount(field.value);
        shown.textContent = wordsNow(count);
        shown.classList.toggle("word-count--outside", count < min || count > max);
        window.clearTimeout(pause);
        pause = window.setTimeout(function () {
          status.textContent = wordsNow(count);
        }, PAUSE_MS);
      }

      field.addEventListener("input", update);
    }
  );
})();
