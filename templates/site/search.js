/* Search across the site's assessments, in the browser, with nothing fetched from elsewhere.
 *
 * The index (search/, built by `hyoka site`) maps every two consecutive characters (bigram) to
 * the items that contain them: Japanese has no spaces between words, so a query is looked up by
 * its bigrams and then checked as a whole against each candidate's text. The index is split so
 * that a query reads only what it needs: search/meta.js (the pages), one shard file per bigram
 * of the query (search/g/<n>.js, n a hash of the bigram) and the texts of the results it shows
 * (search/t/<page>-<k>.js). Each file is a script that hands its data to window.HYOKA_SEARCH,
 * so the search works from file:// as well as from a web server.
 *
 * Text and query are normalised alike, character by character with the marks that follow it
 * (NFKC, lower case, no white space), exactly as generator/site/search.py does for the index.
 *
 * Without JavaScript the form stays hidden and the pages work as they are.
 */
(function () {
  "use strict";

  var LIMIT = 20; // results shown at a time
  var PAGE_SPAN = 1048576; // item id = page number × PAGE_SPAN + the item's number on its page
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = {};
  for (var d = 0; d < ALPHABET.length; d++) DIGIT[ALPHABET.charAt(d)] = d;

  var meta = null;
  var shards = {};
  var texts = {};
  var scripts = {};
  window.HYOKA_SEARCH = {
    meta: function (_, data) { meta = data; },
    grams: function (number, data) { shards[number] = data; },
    texts: function (name, data) { texts[name] = data; },
  };

  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var results = document.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "./";
  var timer = null;
  var normalisedTexts = {};

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

  // each index file once, by a <script> element (file:// pages cannot fetch JSON)
  function load(path) {
    if (!scripts[path]) {
      scripts[path] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root + path;
        script.onload = function () { resolve(); };
        script.onerror = function () {
          delete scripts[path];
          reject(new Error(path));
        };
        document.head.appendChild(script);
      });
    }
    return scripts[path];
  }

  function shardOf(gram) {
    var h = 0x811c9dc5;
    for (var i = 0; i < gram.length; i++) {
      h ^= gram.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % meta.shards;
  }

  function decode(text) {
    var numbers = [];
    var n = 0;
    var shift = 0;
    for (var i = 0; i < text.length; i++) {
      var v = DIGIT[text.charAt(i)];
      if (v === undefined) continue; // "." between the pages' parts: the counts delimit them too
      if (v >= 32) {
        n += (v - 32) * Math.pow(2, shift);
        shift += 5;
      } else {
        numbers.push(n + v * Math.pow(2, shift));
        n = 0;
        shift = 0;
      }
    }
    return numbers;
  }

  // item ids holding the bigram, ascending: per page, the page number, the number of items and
  // their numbers as gaps
  function posting(gram) {
    var encoded = shards[shardOf(gram)][gram];
    if (!encoded) return [];
    var numbers = decode(encoded);
    var ids = [];
    for (var i = 0; i < numbers.length; ) {
      var page = numbers[i++];
      var count = numbers[i++];
      var local = 0;
      for (var k = 0; k < count; k++) {
        local += numbers[i++];
        ids.push(page * PAGE_SPAN + local);
      }
    }
    return ids;
  }

  function gramsOf(term) {
    var grams = {};
    for (var i = 0; i + 1 < term.chars.length; i++) grams[term.chars[i] + term.chars[i + 1]] = true;
    return Object.keys(grams);
  }

  // item ids whose bigrams include every bigram of every term (a superset of the matches)
  function candidates(terms) {
    var grams = {};
    terms.forEach(function (term) {
      gramsOf(term).forEach(function (g) { grams[g] = true; });
    });
    grams = Object.keys(grams);
    var files = {};
    grams.forEach(function (g) { files["search/g/" + shardOf(g) + ".js"] = true; });
    return Promise.all(Object.keys(files).map(load)).then(function () {
      var lists = grams.map(posting).sort(function (a, b) { return a.length - b.length; });
      var found = lists[0];
      for (var k = 1; k < lists.length && found.length; k++) {
        var other = new Set(lists[k]);
        found = found.filter(function (n) { return other.has(n); });
      }
      return found;
    });
  }

  function chunkName(id) {
    var page = Math.floor(id / PAGE_SPAN);
    var local = id % PAGE_SPAN;
    return meta.pages[page] + "-" + Math.floor(local / meta.chunk);
  }

  // [page, item] of an id whose text file is loaded
  function itemOf(id) {
    var chunk = texts[chunkName(id)];
    return [chunk.page, chunk.items[(id % PAGE_SPAN) % meta.chunk]];
  }

  function itemText(id) {
    if (!normalisedTexts[id]) normalisedTexts[id] = normalise(itemOf(id)[1][2]);
    return normalisedTexts[id];
  }

  function matches(id, terms) {
    var text = itemText(id).text;
    return terms.every(function (term) { return text.indexOf(term.text) >= 0; });
  }

  // the next `want` matches from candidates[from…], loading their text files a batch at a time
  function verify(search, want) {
    var hits = [];
    function step() {
      if (hits.length >= want || search.next >= search.candidates.length) return Promise.resolve(hits);
      var batch = search.candidates.slice(search.next, search.next + (want - hits.length));
      search.next += batch.length;
      var files = {};
      batch.forEach(function (id) { files["search/t/" + chunkName(id) + ".js"] = true; });
      return Promise.all(Object.keys(files).map(load)).then(function () {
        batch.forEach(function (id) {
          if (matches(id, search.terms)) hits.push(id);
          else search.rejected++;
        });
        return step();
      });
    }
    return step();
  }

  // the item's text around the first match, the match itself in <mark>
  function snippet(id, term) {
    var original = itemOf(id)[1][2];
    var norm = itemText(id);
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

  function summaryText(search) {
    var left = search.candidates.length - search.next;
    var count = search.candidates.length - search.rejected;
    // candidates not yet read may still turn out not to hold the words: say so once some did not
    var about = left > 0 && search.rejected > 0 ? "約 " : "";
    var shown = search.shown;
    return "「" + search.query + "」を含む項目: " + about + count + " 件" +
      (count > shown ? "（初めの " + shown + " 件を表示）" : "");
  }

  function message(text) {
    results.textContent = "";
    var summary = document.createElement("p");
    summary.className = "search-summary";
    summary.textContent = text;
    results.appendChild(summary);
  }

  function show(search, hits) {
    var list = results.querySelector(".search-list");
    if (!list) {
      results.textContent = "";
      var summary = document.createElement("p");
      summary.className = "search-summary";
      results.appendChild(summary);
      list = document.createElement("ol");
      list.className = "search-list";
      results.appendChild(list);
    }
    hits.forEach(function (id) {
      var found = itemOf(id);
      var page = found[0];
      var item = found[1];
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + page[0] + "#" + encodeURIComponent(item[0]);
      link.textContent = page[1] + "（" + page[2] + "）";
      var where = document.createElement("span");
      where.className = "where";
      where.textContent = item[1];
      li.appendChild(link);
      li.appendChild(where);
      li.appendChild(snippet(id, search.terms[0]));
      list.appendChild(li);
    });
    search.shown += hits.length;
    var old = results.querySelector(".search-more");
    if (old) old.parentNode.removeChild(old);
    if (!search.shown) {
      message("「" + search.query + "」を含む項目は見つかりませんでした。");
      return;
    }
    results.querySelector(".search-summary").textContent = summaryText(search);
    if (search.next < search.candidates.length) {
      var more = document.createElement("button");
      more.type = "button";
      more.className = "search-more";
      more.textContent = "次の " + LIMIT + " 件を表示";
      more.addEventListener("click", function () {
        verify(search, LIMIT).then(function (next) { show(search, next); }, failed);
      });
      results.appendChild(more);
    }
  }

  function failed() {
    message("検索の索引（search/ フォルダ）を読み込めませんでした。");
  }

  function run() {
    var query = input.value.trim();
    if (!query) {
      results.textContent = "";
      return;
    }
    var terms = query.split(/\s+/).map(normalise).filter(function (t) { return t.text.length > 0; });
    if (!terms.length) return;
    if (terms.some(function (t) { return t.chars.length < 2; })) {
      message("2 文字以上の語で検索してください。");
      return;
    }
    load("search/meta.js")
      .then(function () { return candidates(terms); })
      .then(function (found) {
        var search = { query: query, terms: terms, candidates: found, next: 0, rejected: 0, shown: 0 };
        return verify(search, LIMIT).then(function (hits) {
          if (input.value.trim() === query) {
            results.textContent = "";
            show(search, hits);
          }
        });
      })
      .catch(failed);
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
    load("search/meta.js").catch(function () {});
  });
})();
