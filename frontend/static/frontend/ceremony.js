// Follows the reveal: asks the ceremony endpoint every second and redraws the list.
// It only ever holds what that endpoint returns, which is what has been revealed.
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

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
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
    empty.hidden = revealed.length > 0;
    var left = body.remaining;
    remaining.textContent = left
      ? interpolate(
        ngettext("%(count)s category still to reveal", "%(count)s categories still to reveal", left),
        {count: left},
        true
      )
      : gettext("Every category is revealed");
    return revealed.length > 0 && left === 0;
  }

  function poll() {
    fetch(root.dataset.source, {headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (body) {
        if (!render(body)) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  window.setTimeout(poll, 1000);
})();
