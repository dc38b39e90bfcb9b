// Follows the reveal: asks the ceremony feed about every second and redraws the list.
// It only ever holds what that feed returns, which is what has been revealed.
// The feed is one answer shared by every viewer, kept a second by the server and
// revalidated here by its ETag (an unchanged answer comes back as an empty 304).
// When the feed cannot be reached the page keeps what it shows and asks again later,
// waiting longer after each failure, without a word to the audience.
// Its words come from the translation catalogue loaded before it (gettext, ngettext).
(function () {
  "use strict";
  var root = document.querySelector("[data-ceremony]");
  if (!root || !window.fetch) return;
  var list = root.querySelector("[data-ceremony-list]");
  var empty = root.querySelector("[data-ceremony-empty]");
  var remaining = root.querySelector("[data-ceremony-remaining]");
  var latest = root.querySelector("[data-ceremony-latest]");
  var shown = list.children.length;
  var EVERY = 1000; // ms between two questions while the feed answers
  var LONGEST = 8000; // ms: the longest wait after failures, so that a reveal is not missed long
  var failures = 0;

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function state(revealed, left) {
    if (left) {
      return interpolate(
        ngettext("%(count)s category still to reveal", "%(count)s categories still to reveal", left),
        {count: left},
        true
      );
    }
    return revealed ? gettext("Every category is revealed") : gettext("The ceremony has not started yet.");
  }

  function render(body) {
    var revealed = body.revealed || [];
    if (revealed.length !== shown) {
      var items = revealed.map(function (category) {
        var item = document.createElement("li");
        item.className = "ceremony__item";
        item.appendChild(span("ceremony__category", category.number + ". " + category.title));
        item.appendChild(span("ceremony__winner", category.winner.title));
        item.appendChild(span("ceremony__organisation", category.winner.organisation_name));
        return item;
      });
      list.replaceChildren.apply(list, items);
      if (revealed.length > shown) {
        var last = revealed[revealed.length - 1];
        latest.textContent = interpolate(
          gettext(
            "Just revealed: category %(number)s, %(title)s. " +
            "The Winner is %(winner)s, %(organisation)s."
          ),
          {
            number: last.number,
            title: last.title,
            winner: last.winner.title,
            organisation: last.winner.organisation_name
          },
          true
        );
      }
      shown = revealed.length;
    }
    var left = body.remaining || 0;
    empty.hidden = revealed.length > 0 || !left;
    var text = state(revealed.length, left);
    if (remaining.textContent !== text) remaining.textContent = text;
    return revealed.length > 0 && left === 0;
  }

  // A little randomness, so that a room of viewers opened at once does not ask in step.
  function later(delay) {
    window.setTimeout(poll, delay + Math.random() * 200);
  }

  function poll() {
    fetch(root.dataset.source, {headers: {"Accept": "application/json"}, cache: "no-cache"})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (body) {
        failures = 0;
        if (!render(body)) later(EVERY);
      })
      .catch(function () {
        failures += 1;
        later(Math.min(EVERY * Math.pow(2, failures), LONGEST));
      });
  }

  later(EVERY);
})();
