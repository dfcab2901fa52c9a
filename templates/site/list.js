/* The index page's table: sorting by 評価書番号 or 公表日 and the filter by 種類.
 *
 * Without JavaScript the table stays in 評価書番号 order, whole. Each sortable column heading
 * becomes a button; the heading's aria-sort says the order, the caption says it in words.
 */
(function () {
  "use strict";

  var table = document.querySelector("table.assessments");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var state = table.querySelector(".sort-state");
  var names = { number: "評価書番号", date: "公表日" };
  var current = { key: "number", ascending: true };

  function value(row, key) {
    return key === "number" ? Number(row.getAttribute("data-number")) : row.getAttribute("data-date") || "";
  }

  function compare(key, ascending) {
    return function (a, b) {
      var x = value(a, key);
      var y = value(b, key);
      // rows without a date stay last whichever way
      if (key === "date" && (x === "" || y === "")) {
        if (x !== y) return x === "" ? 1 : -1;
      } else if (x !== y) {
        return (x < y ? -1 : 1) * (ascending ? 1 : -1);
      }
      return Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    };
  }

  function sort(key, ascending) {
    current = { key: key, ascending: ascending };
    rows.sort(compare(key, ascending));
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      var on = th.getAttribute("data-sort") === key;
      if (on) th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
      th.querySelector(".sort-mark").textContent = on ? (ascending ? "▲" : "▼") : "";
    });
    if (state) {
      state.textContent = "（" + names[key] + "の" + (ascending ? "昇順" : "降順") + "）";
    }
  }

  table.querySelectorAll("th[data-sort]").forEach(function (th) {
    var key = th.getAttribute("data-sort");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    var mark = document.createElement("span");
    mark.className = "sort-mark";
    mark.setAttribute("aria-hidden", "true");
    button.appendChild(mark);
    button.addEventListener("click", function () {
      // a new column starts ascending for numbers, newest first for dates
      if (current.key === key) sort(key, !current.ascending);
      else sort(key, key === "number");
    });
    th.textContent = "";
    th.appendChild(button);
  });
  sort("number", true);

  var filter = document.getElementById("kind-filter");
  if (filter) {
    filter.parentNode.hidden = false;
    var count = table.querySelector(".count");
    filter.addEventListener("change", function () {
      var shown = 0;
      rows.forEach(function (row) {
        var on = !filter.value || row.getAttribute("data-kind") === filter.value;
        row.hidden = !on;
        if (on) shown++;
      });
      if (count) count.textContent = String(shown);
    });
  }
})();
