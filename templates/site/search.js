/* Search across the site's assessments, in the browser, with nothing fetched from elsewhere.
 *
 * The index (search-index.js, built by `hyoka site`) maps every two consecutive characters
 * (bigram) to the items that contain them: Japanese has no spaces between words, so a query
 * is looked up by its bigrams and then checked as a whole against each candidate's text.
 * Text and query are normalised alike, character by character with the marks that follow it
 * (NFKC, lower case, no white space), exactly as generator/site/search.py does for the index.
 *
 * Without JavaScript the form stays hidden and the pages work as they are.
 */
(function () {
  "use strict";

  var LIMIT = 50;
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var results = document.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "";
  var data = null;
  var loading = null;
  var postings = {};
  var normalisedItems = [];
  var timer = null;

  form.hidden = false;

  // a character and the marks after it (「ｶﾞ」) normalise together: NFKC composes them
  var JOINING = /^(?:\p{M}|\uff9e|\uff9f)$/u;

  function normalise(text) {
    var chars = [];
    var origin = [];
    var units = [];
    var at = 0;
    for (var ch of text) {
      if (units.length && JOINING.test(ch)) units[units.length - 1][0] += ch;
      else units.push([ch, at]);
      at += ch.length;
    }
    units.forEach(function (unit) {
      var folded = unit[0].normalize("NFKC").toLowerCase();
      for (var c of folded) {
        if (!/\s/u.test(c)) {
          chars.push(c);
          origin.push(unit[1]);
        }
      }
    });
    return { chars: chars, text: chars.join(""), origin: origin };
  }

  function load() {
    if (data) return Promise.resolve(data);
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root + "search-index.js";
      script.onload = function () {
        data = window.HYOKA_SEARCH;
        if (data) resolve(data);
        else reject(new Error("empty index"));
      };
      script.onerror = function () {
        loading = null;
        reject(new Error("index not loaded"));
      };
      document.head.appendChild(script);
    });
    return loading;
  }

  function posting(gram) {
    if (!(gram in postings)) {
      var gaps = data.grams[gram] || [];
      var list = [];
      var n = 0;
      for (var i = 0; i < gaps.length; i++) {
        n += gaps[i];
        list.push(n);
      }
      postings[gram] = list;
    }
    return postings[gram];
  }

  function itemText(number) {
    if (!normalisedItems[number]) normalisedItems[number] = normalise(data.items[number][3]);
    return normalisedItems[number];
  }

  // item numbers whose text holds the (normalised) term
  function find(term) {
    var candidates;
    if (term.chars.length < 2) {
      candidates = data.items.map(function (_, i) { return i; });
    } else {
      var grams = {};
      for (var i = 0; i + 1 < term.chars.length; i++) grams[term.chars[i] + term.chars[i + 1]] = true;
      var lists = Object.keys(grams).map(posting).sort(function (a, b) { return a.length - b.length; });
      candidates = lists[0];
      for (var k = 1; k < lists.length && candidates.length; k++) {
        var other = new Set(lists[k]);
        candidates = candidates.filter(function (n) { return other.has(n); });
      }
    }
    return candidates.filter(function (n) { return itemText(n).text.indexOf(term.text) >= 0; });
  }

  function search(query) {
    var terms = query.split(/\s+/).map(normalise).filter(function (t) { return t.text.length > 0; });
    if (!terms.length) return [];
    var found = null;
    terms.forEach(function (term) {
      var hits = find(term);
      if (found === null) found = hits;
      else {
        var keep = new Set(hits);
        found = found.filter(function (n) { return keep.has(n); });
      }
    });
    return found.sort(function (a, b) { return a - b; }).map(function (n) { return [n, terms[0]]; });
  }

  // the item's text around the first match, the match itself in <mark>
  function snippet(number, term) {
    var original = data.items[number][3];
    var norm = itemText(number);
    var span = document.createElement("span");
    span.className = "snippet";
    var at = norm.text.indexOf(term.text);
    if (at < 0) {
      span.textContent = original.slice(0, 80);
      return span;
    }
    // indexOf counts UTF-16 units: walk the characters to find the match's first character
    var units = 0;
    var first = 0;
    while (first < norm.chars.length && units < at) units += norm.chars[first++].length;
    var start = norm.origin[first];
    // the match ends where the next unit of the original text starts (white space stays outside)
    var lastStart = norm.origin[first + term.chars.length - 1];
    var end = original.length;
    for (var k = first + term.chars.length; k < norm.origin.length; k++) {
      if (norm.origin[k] > lastStart) {
        end = norm.origin[k];
        break;
      }
    }
    while (end > lastStart + 1 && /\s/.test(original[end - 1])) end--;
    var from = Math.max(0, start - 40);
    var to = Math.min(original.length, end + 60);
    span.appendChild(document.createTextNode((from > 0 ? "…" : "") + original.slice(from, start)));
    var mark = document.createElement("mark");
    mark.textContent = original.slice(start, end);
    span.appendChild(mark);
    span.appendChild(document.createTextNode(original.slice(end, to) + (to < original.length ? "…" : "")));
    return span;
  }

  function show(query, hits) {
    results.textContent = "";
    var summary = document.createElement("p");
    summary.className = "search-summary";
    if (!hits.length) {
      summary.textContent = "「" + query + "」を含む項目は見つかりませんでした。";
      results.appendChild(summary);
      return;
    }
    summary.textContent =
      "「" + query + "」を含む項目: " + hits.length + " 件" + (hits.length > LIMIT ? "（初めの " + LIMIT + " 件を表示）" : "");
    results.appendChild(summary);
    var list = document.createElement("ol");
    list.className = "search-list";
    hits.slice(0, LIMIT).forEach(function (hit) {
      var item = data.items[hit[0]];
      var page = data.pages[item[0]];
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + page[0] + "#" + encodeURIComponent(item[1]);
      link.textContent = page[1] + "（" + page[2] + "）";
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = item[2];
      li.appendChild(link);
      li.appendChild(where);
      li.appendChild(snippet(hit[0], hit[1]));
      list.appendChild(li);
    });
    results.appendChild(list);
  }

  function run() {
    var query = input.value.trim();
    if (!query) {
      results.textContent = "";
      return;
    }
    load().then(
      function () {
        if (input.value.trim() === query) show(query, search(query));
      },
      function () {
        results.textContent = "検索の索引（search-index.js）を読み込めませんでした。";
      }
    );
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  input.addEventListener("focus", function () {
    load().catch(function () {});
  });
})();
