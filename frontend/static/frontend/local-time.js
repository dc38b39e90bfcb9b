// Shows each moment (a <time class="moment"> the server wrote in UTC) in the reader's
// time zone, in the page's language, with the zone's name and the UTC time beside it:
// "7 September 2020 at 23:00 Japan Standard Time (14:00 UTC)". The words and digits
// come from the browser's own Intl data for that language (the same digits as the
// server's text: Western ones in Arabic, as the "ar" locale writes them); without this
// script the page shows the UTC time alone.
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // In UTC the server's text says it all already.
  if (!zone || /^(Etc\/)?(UTC|UCT|Universal|Zulu)$/.test(zone)) return;

  // The page's language, whatever the browser's own; the site's English writes the day
  // before the month and a 24-hour clock (config/formats/en), as British English does.
  var pageLanguage = document.documentElement.lang;
  var language = pageLanguage === "en" ? "en-GB" : pageLanguage || undefined;
  var dateFields = {day: "numeric", month: "long", year: "numeric"};
  var timeFields = {hour: "2-digit", minute: "2-digit"};
  var local, localDay, utcDay, utcTime, utcMoment;
  try {
    local = new Intl.DateTimeFormat(language, Object.assign({timeZoneName: "long"}, dateFields, timeFields));
    localDay = new Intl.DateTimeFormat("en-CA", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"});
    utcDay = new Intl.DateTimeFormat("en-CA", {timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit"});
    utcTime = new Intl.DateTimeFormat(language, Object.assign({timeZone: "UTC", timeZoneName: "short"}, timeFields));
    utcMoment = new Intl.DateTimeFormat(language, Object.assign({timeZone: "UTC", timeZoneName: "short"}, dateFields, timeFields));
  } catch (error) {
    return;  // A browser without time zone data keeps the server's UTC text.
  }

  function parse(value) {
    // Django writes microseconds; Date reads milliseconds at most.
    var date = new Date(value.replace(/(\.\d{3})\d+/, "$1"));
    return isNaN(date.getTime()) ? null : date;
  }

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    element.textContent = text;
    return element;
  }

  var moments = document.querySelectorAll("time.moment[datetime]");
  for (var i = 0; i < moments.length; i++) {
    var element = moments[i];
    var date = parse(element.getAttribute("datetime"));
    if (!date) continue;
    // The UTC time alone when the day is the same in both zones, with its date otherwise.
    var sameDay = localDay.format(date) === utcDay.format(date);
    var utc = (sameDay ? utcTime : utcMoment).format(date);
    element.setAttribute("title", element.textContent.replace(/\s+/g, " ").trim());
    element.setAttribute("data-time-zone", zone);
    element.textContent = "";
    element.appendChild(span("moment__local", local.format(date)));
    element.appendChild(document.createTextNode(" "));
    element.appendChild(span("moment__utc nowrap", "(" + utc + ")"));
  }
})();
