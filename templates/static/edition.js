/* edition: progressive enhancement for the reading pages.  Plain JavaScript, nothing external.
   Without it every note, index entry and citation is still a link away. */
(function () {
  "use strict";
  var STORE = "edition.display.";

  /* ---- pop-ups for notes and mentions --------------------------------------------------- */
  var popover = null;
  var opener = null;

  function makePopover() {
    var box = document.createElement("div");
    box.id = "edition-popover";
    box.className = "popover";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-labelledby", "edition-popover-title");
    box.tabIndex = -1;
    box.hidden = true;
    box.innerHTML = '<p class="popover-title" id="edition-popover-title"></p>' +
      '<div class="popover-body"></div><p class="popover-more"></p>' +
      '<button type="button" class="popover-close" aria-label="Close">×</button>';
    box.querySelector(".popover-close").addEventListener("click", function () { close(true); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(true); }
    });
    box.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (next && !box.contains(next) && next !== opener) close(false);
    });
    document.body.appendChild(box);
    return box;
  }

  function place(box, trigger) {
    var rect = trigger.getBoundingClientRect();
    var width = Math.min(box.offsetWidth || 384, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    box.style.left = (left + window.scrollX) + "px";
    box.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function open(trigger, title, body, more) {
    popover = popover || makePopover();
    if (opener && opener !== trigger) opener.setAttribute("aria-expanded", "false");
    opener = trigger;
    popover.querySelector(".popover-title").textContent = title;
    var bodyBox = popover.querySelector(".popover-body");
    bodyBox.textContent = "";
    bodyBox.appendChild(body);
    var moreBox = popover.querySelector(".popover-more");
    moreBox.textContent = "";
    moreBox.appendChild(more);
    popover.hidden = false;
    place(popover, trigger);
    trigger.setAttribute("aria-expanded", "true");
    popover.focus();
  }

  function close(returnFocus) {
    if (!popover || popover.hidden) return;
    popover.hidden = true;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (returnFocus) opener.focus();
    }
    opener = null;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function noteContent(trigger) {
    var id = decodeURIComponent(trigger.hash.slice(1));
    var note = document.getElementById(id);
    var body = note && note.querySelector(".note-body");
    if (!body) return null;
    var label = trigger.textContent.trim();
    var copy = body.cloneNode(true);
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    var frag = document.createDocumentFragment();
    while (copy.firstChild) frag.appendChild(copy.firstChild);
    return ["Note " + label, frag, link("#" + id, "Note " + label + " among the notes")];
  }

  function entityContent(trigger, data) {
    var entry = data[trigger.getAttribute("data-ref")];
    if (!entry) return null;
    var body = document.createElement("p");
    body.textContent = [entry.kind + (entry.dates ? ", " + entry.dates : ""), entry.description]
      .filter(Boolean).join(". ");
    return [entry.name, body, link(trigger.href, "Index entry: every mention of " + entry.name)];
  }

  function enhanceTrigger(trigger, content) {
    trigger.setAttribute("role", "button");
    trigger.setAttribute("aria-expanded", "false");
    trigger.setAttribute("aria-controls", "edition-popover");
    trigger.setAttribute("aria-haspopup", "dialog");
    trigger.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // a new tab: let it go
      var parts = content(trigger);
      if (!parts) return;
      event.preventDefault();
      if (opener === trigger && !popover.hidden) { close(true); return; }
      open(trigger, parts[0], parts[1], parts[2]);
    });
    trigger.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); trigger.click(); }
    });
  }

  function enhancePopups() {
    document.querySelectorAll(".document a[role='doc-noteref']").forEach(function (a) {
      if (a.hash) enhanceTrigger(a, noteContent);
    });
    var source = document.getElementById("entity-data");
    if (!source) return;
    var data;
    try { data = JSON.parse(source.textContent); } catch (error) { return; }
    document.querySelectorAll(".transcription a.mention[data-ref]").forEach(function (a) {
      if (data[a.getAttribute("data-ref")]) {
        enhanceTrigger(a, function (trigger) { return entityContent(trigger, data); });
      }
    });
    document.addEventListener("click", function (event) {
      if (popover && !popover.hidden && !popover.contains(event.target) &&
          !(opener && opener.contains(event.target))) close(false);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && popover && !popover.hidden) close(true);
    });
  }

  /* ---- display toggles: paragraph numbers, portion markings, page breaks --------------- */
  function stored(name, fallback) {
    try {
      var value = localStorage.getItem(STORE + name);
      return value === null ? fallback : value === "1";
    } catch (error) { return fallback; }
  }

  function store(name, on) {
    try { localStorage.setItem(STORE + name, on ? "1" : "0"); } catch (error) { /* private mode */ }
  }

  function enhanceToolbar() {
    var tools = document.querySelector(".reader-tools");
    if (!tools) return;
    tools.querySelectorAll("input[data-display]").forEach(function (box) {
      var name = box.getAttribute("data-display");
      var apply = function () { document.body.classList.toggle("hide-" + name, !box.checked); };
      box.checked = stored(name, true);
      apply();
      box.addEventListener("change", function () { store(name, box.checked); apply(); });
    });
    tools.hidden = false;
  }

  /* ---- the #anchor's paragraph: marked for assistive technology, in view --------------- */
  function markTarget() {
    document.querySelectorAll("[data-targeted]").forEach(function (el) {
      el.removeAttribute("data-targeted");
      el.removeAttribute("aria-current");
    });
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    if (target.classList.contains("old-anchor")) target = target.parentElement;
    if (!target.matches(".para, .footnotes li, .index dt, .paragraph-citations li")) return;
    target.setAttribute("data-targeted", "");
    target.setAttribute("aria-current", "location");
    if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
    target.focus({ preventScroll: true });
  }

  /* ---- copy buttons for the citations -------------------------------------------------- */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      (ok ? resolve : reject)();
    });
  }

  function enhanceCitations() {
    var section = document.querySelector(".cite");
    if (!section) return;
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    section.appendChild(live);
    section.querySelectorAll(".citation-text").forEach(function (cited, n) {
      var copy = cited.cloneNode(true);
      copy.querySelectorAll(".citation-kind").forEach(function (el) { el.remove(); });
      var text = copy.textContent.replace(/\s+/g, " ").trim();
      var kind = cited.querySelector(".citation-kind");
      var what = cited.closest("li") ? "paragraph citation" : (kind ? kind.textContent.replace(/:$/, "") : "citation");
      var heading = cited.closest(".citation") && cited.closest(".citation").querySelector("h3");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-citation";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the " + (heading ? heading.textContent + " " : "") + what.toLowerCase());
      button.addEventListener("click", function () {
        copyText(text).then(function () {
          button.textContent = "Copied";
          live.textContent = "Citation copied to the clipboard.";
        }, function () {
          live.textContent = "The browser did not allow copying; select the citation text instead.";
        });
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
      cited.insertAdjacentElement("afterend", button);
    });
  }

  function start() {
    document.documentElement.classList.add("js");
    enhancePopups();
    enhanceToolbar();
    enhanceCitations();
    markTarget();
    window.addEventListener("hashchange", markTarget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
