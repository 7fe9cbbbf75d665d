// searchsvc: small enhancements only. Every feature works without this file.
(function () {
  "use strict";

  var FOCUS_KEY = "searchsvc.refocus";

  // Ticking a source applies it at once; after the reload, focus returns to that box.
  function autoApplySources() {
    var form = document.getElementById("search-form");
    if (!form) return;
    document.querySelectorAll('input[type="checkbox"][form="search-form"]').forEach(function (box) {
      box.addEventListener("change", function () {
        try { sessionStorage.setItem(FOCUS_KEY, box.name + "=" + box.value); } catch (e) { /* private mode */ }
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
    var wanted = null;
    try { wanted = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { /* ignore */ }
    if (wanted) {
      var cut = wanted.indexOf("=");
      var name = wanted.slice(0, cut), value = wanted.slice(cut + 1);
      document.querySelectorAll('input[form="search-form"]').forEach(function (box) {
        if (box.name === name && box.value === value) box.focus();
      });
    }
  }

  // Empty fields stay out of the address: /?q=iran rather than /?q=iran&from=&to=.
  function tidyAddresses() {
    var form = document.getElementById("search-form");
    if (!form) return;
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.name !== "q" && field.value === "" && !field.disabled) {
          field.disabled = true;
        }
      });
      // Re-enable after the submission was taken (the page may come back from the cache).
      setTimeout(function () {
        Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
      }, 0);
    });
  }

  // "Search tips" links open the tips under the search box.
  function tipsLinks() {
    var tips = document.getElementById("search-tips");
    if (!tips) return;
    document.querySelectorAll("a.open-tips").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        tips.open = true;
        var summary = tips.querySelector("summary");
        tips.scrollIntoView({ block: "start" });
        if (summary) summary.focus();
      });
    });
  }

  // Paragraph links also copy the paragraph's address to the clipboard.
  function copyLinks() {
    var status = document.getElementById("copy-status");
    var timer = null;
    document.querySelectorAll("a.copy-link").forEach(function (link) {
      link.addEventListener("click", function () {
        if (!navigator.clipboard || !window.isSecureContext) return;
        var url = new URL(link.getAttribute("href"), window.location.href).href;
        navigator.clipboard.writeText(url).then(function () {
          if (!status) return;
          status.textContent = "Link to paragraph " + link.hash.replace("#p", "") + " copied";
          clearTimeout(timer);
          timer = setTimeout(function () { status.textContent = ""; }, 2500);
        }, function () { /* no permission: the link still goes to the paragraph */ });
      });
    });
  }

  // "/" puts the cursor in the search box (as on GitHub, Gmail and MDN), unless typing.
  function slashToSearch() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var typing = target && (target.isContentEditable ||
        /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      var box = document.getElementById("q");
      if (typing || !box) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  }

  // Article view: "Next hit" / "Previous hit" (and the keys n and p) step through the
  // paragraphs holding the search, from the one in the address, wrapping at the ends.
  function hitSteps() {
    var nav = document.getElementById("hit-steps");
    var next = document.getElementById("next-hit");
    var prev = document.getElementById("prev-hit");
    var position = document.getElementById("hit-position");
    if (!nav || !next || !prev || !nav.dataset.hits) return;
    var hits = nav.dataset.hits.split(" ").map(Number);
    function update() {
      var here = Number((window.location.hash.match(/^#p(\d+)$/) || [])[1] || 0);
      var at = hits.indexOf(here);
      var after = hits.filter(function (n) { return n > here; });
      var before = hits.filter(function (n) { return n < here; });
      next.setAttribute("href", "#p" + (after.length ? after[0] : hits[0]));
      prev.setAttribute("href", "#p" + (before.length ? before[before.length - 1] : hits[hits.length - 1]));
      position.textContent = at >= 0 ? "Hit " + (at + 1) + " of " + hits.length
                                     : hits.length + (hits.length === 1 ? " hit" : " hits");
    }
    window.addEventListener("hashchange", update);
    update();
    document.addEventListener("keydown", function (event) {
      if ((event.key !== "n" && event.key !== "p") || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      window.location.hash = (event.key === "n" ? next : prev).getAttribute("href");
    });
  }

  // A catalog facet with more than 10 values gets a box that narrows its list as you type.
  function valueFilters() {
    document.querySelectorAll("fieldset.catalog-facet").forEach(function (group) {
      var items = group.querySelectorAll("li.check");
      if (items.length <= 10) return;
      var legend = group.querySelector("legend");
      var box = document.createElement("input");
      box.type = "search";
      box.className = "value-filter";
      box.placeholder = "Filter values";
      box.setAttribute("aria-label", "Filter " + (legend ? legend.textContent : "values"));
      box.addEventListener("input", function () {
        var wanted = box.value.trim().toLowerCase();
        items.forEach(function (item) {
          item.hidden = wanted !== "" && item.textContent.toLowerCase().indexOf(wanted) < 0;
        });
      });
      // Enter in the box must not submit the search form around nothing.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
      group.insertBefore(box, group.querySelector("ul"));
    });
  }

  function ready() {
    hitSteps();
    valueFilters();
    slashToSearch();
    autoApplySources();
    tidyAddresses();
    tipsLinks();
    copyLinks();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
