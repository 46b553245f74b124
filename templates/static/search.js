/* The search page: runs Pagefind on the site's index, in the browser, offline.
   The form's data-bundles lists the index's bundles (folders, relative to the page, the primary first):
   the primary's pagefind.js is loaded and every other bundle merged into it, so a query, its filters and
   their counts cover them all.  ?q=WORDS runs a query on load; ?person=…&year=… set the filters. */
(function () {
  "use strict";
  var FILTERS = [
    ["person", "Person"], ["place", "Place"], ["organisation", "Organisation"],
    ["year", "Year"], ["classification", "Classification"]
  ];
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var message = document.getElementById("search-message");
  var filterBox = document.getElementById("search-filters");
  var OPTIONS = { excerptLength: 30 };
  // absolute: Pagefind fetches the merged bundles from its worker, whose address is not the page's
  var listed = form.getAttribute("data-bundles");
  var bundles = (listed === null ? "pagefind/" : listed).split(/\s+/).filter(Boolean).map(function (folder) {
    return new URL(folder, document.baseURI).href;
  });
  var loading = null;
  var serial = 0;

  function say(text) { status.textContent = text; }

  function unavailable(error) {
    var fromFile = location.protocol === "file:";
    message.hidden = false;
    message.className = "search-message search-unavailable";
    message.textContent = fromFile
      ? "Search does not work when the edition is opened as files from a disk (file://): the browser does not let this page load the search index. " +
        "Serve the folder over http instead (for example with “edition serve”, or “python3 -m http.server” in the site folder and then http://127.0.0.1:8000/search.html). " +
        "Meanwhile the documents by date, the participants and the indexes work without it."
      : "The search index could not be loaded (" + (error && error.message ? error.message : "unknown error") + "). " +
        "The documents by date, the participants and the indexes work without it.";
    say("Search is not available.");
    if (window.console) console.warn("edition search:", error);
  }

  function load() {
    if (!bundles.length) return Promise.reject(new Error("the edition has nothing to search"));
    // once: a second mergeIndex of a bundle would count its hits twice
    if (!loading) loading = import(bundles[0] + "pagefind.js").then(function (module) {
      return Promise.resolve(module.options(OPTIONS)).then(function () {
        return module.init ? module.init() : null;
      }).then(function () {
        return Promise.all(bundles.slice(1).map(function (folder) { return module.mergeIndex(folder, OPTIONS); }));
      }).then(function () { return module; });
    });
    return loading;
  }

  function addFilters(available) {
    var params = new URLSearchParams(location.search);
    FILTERS.forEach(function (pair) {
      var values = Object.keys(available[pair[0]] || {}).sort();
      if (!values.length) return;
      var id = "filter-" + pair[0];
      var wrap = document.createElement("p");
      wrap.className = "search-filter";
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = pair[1];
      var select = document.createElement("select");
      select.id = id;
      select.name = pair[0];
      select.add(new Option("any", ""));
      values.forEach(function (value) {
        select.add(new Option(value + " (" + available[pair[0]][value] + ")", value));
      });
      select.value = params.get(pair[0]) || "";
      wrap.appendChild(label);
      wrap.appendChild(select);
      filterBox.appendChild(wrap);
    });
    filterBox.hidden = !filterBox.querySelector("select");
  }

  function chosenFilters() {
    var chosen = {};
    filterBox.querySelectorAll("select").forEach(function (select) {
      if (select.value) chosen[select.name] = [select.value];
    });
    return chosen;
  }

  function excerpt(html) {
    // Pagefind escapes the text and marks the hits; keep nothing else
    var holder = document.createElement("span");
    holder.innerHTML = String(html).replace(/<(?!\/?mark>)/g, "&lt;");
    return holder;
  }

  function render(data) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = new URL(data.raw_url || data.url, document.baseURI).href;
    link.className = "search-hit";
    link.textContent = (data.meta && data.meta.title) || data.url;
    var text = document.createElement("p");
    text.className = "search-excerpt";
    text.appendChild(excerpt(data.excerpt || ""));
    li.appendChild(link);
    li.appendChild(text);
    return li;
  }

  function run(query, filters) {
    var mine = ++serial;
    var hasFilters = Object.keys(filters).length > 0;
    results.textContent = "";
    if (!query && !hasFilters) { say(""); return Promise.resolve(); }
    say("Searching…");
    return load().then(function (pf) {
      return pf.search(query || null, { filters: filters });
    }).then(function (search) {
      if (mine !== serial) return;
      var hits = (search && search.results) || [];
      return Promise.all(hits.slice(0, 50).map(function (hit) { return hit.data(); })).then(function (all) {
        if (mine !== serial) return;
        all.forEach(function (data) { results.appendChild(render(data)); });
        var what = query ? " for “" + query + "”" : "";
        say(hits.length === 0 ? "No paragraphs found" + what + "."
          : (hits.length === 1 ? "1 paragraph found" : hits.length + " paragraphs found") + what +
            (hits.length > 50 ? "; the first 50 are shown." : "."));
      });
    }, unavailable);
  }

  function submit(event) {
    if (event) event.preventDefault();
    var query = input.value.trim();
    var filters = chosenFilters();
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(filters).forEach(function (name) { params.set(name, filters[name][0]); });
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    return run(query, filters);
  }

  form.addEventListener("submit", submit);
  filterBox.addEventListener("change", function () { submit(); });

  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  load().then(function (pf) { return pf.filters(); }).then(function (available) {
    addFilters(available || {});
    if (initial || Object.keys(chosenFilters()).length) return submit();
  }, unavailable);
})();
