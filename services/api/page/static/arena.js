/* Live refresh for the leaderboard page, and the token-based team view.
   - Polls the JSON leaderboard with If-None-Match; a 304 costs nothing.
   - On a change, fetches the server-rendered fragment and patches it in
     place keyed by data-key: unchanged rows/charts are kept (no flicker,
     focus and scroll survive), changed ones are swapped and highlighted.
   - The team token lives in sessionStorage only (gone with the tab). */
(function () {
  "use strict";
  var TOKEN_KEY = "assetops.token";

  function morph(current, fresh) {
    // Bring `current` in line with `fresh` while keeping the node itself (focus,
    // scroll and screen-reader position survive); only differing children change.
    Array.prototype.forEach.call(fresh.attributes, function (a) {
      if (a.name !== "class" && current.getAttribute(a.name) !== a.value) current.setAttribute(a.name, a.value);
    });
    var was = Array.prototype.slice.call(current.children);
    var now = Array.prototype.slice.call(fresh.children);
    if (was.length !== now.length) { current.innerHTML = fresh.innerHTML; return; }
    now.forEach(function (child, i) {
      if (was[i].outerHTML !== child.outerHTML) was[i].replaceWith(child);
    });
  }

  function flash(el) {
    el.classList.remove("updated");
    void el.offsetWidth; // restart the highlight animation
    el.classList.add("updated");
  }

  function patchChildren(oldParent, newParent) {
    // Reorder/update children of oldParent to match newParent, keyed by data-key.
    // data-sig is a digest of what an item shows (rank excluded): a changed sig
    // means new numbers, which get highlighted.
    var existing = {};
    Array.prototype.forEach.call(oldParent.children, function (el) {
      if (el.dataset.key) existing[el.dataset.key] = el;
    });
    var changed = [];
    var wanted = Array.prototype.slice.call(newParent.children);
    wanted.forEach(function (fresh, index) {
      var key = fresh.dataset.key;
      var current = key ? existing[key] : null;
      var node = fresh;
      if (current) {
        var sigChanged = current.dataset.sig !== fresh.dataset.sig;
        morph(current, fresh);
        node = current;
        if (sigChanged) { flash(node); changed.push(node); }
        delete existing[key];
      } else if (key && oldParent.children.length) {
        fresh.classList.add("updated");
        changed.push(fresh);
      }
      var at = oldParent.children[index];
      if (at !== node) oldParent.insertBefore(node, at || null);
    });
    Object.keys(existing).forEach(function (key) { existing[key].remove(); });
    while (oldParent.children.length > wanted.length) oldParent.lastElementChild.remove();
    return changed;
  }

  function patchRegion(target, html) {
    var box = document.createElement("div");
    box.innerHTML = html;
    var changed = [];
    target.querySelectorAll("[data-patch]").forEach(function (oldList) {
      var fresh = box.querySelector('[data-patch="' + oldList.dataset.patch + '"]');
      if (fresh) changed = changed.concat(patchChildren(oldList, fresh));
    });
    target.querySelectorAll("[data-replace]").forEach(function (oldEl) {
      var fresh = box.querySelector('[data-replace="' + oldEl.dataset.replace + '"]');
      if (fresh && fresh.outerHTML !== oldEl.outerHTML) oldEl.replaceWith(fresh);
    });
    return changed;
  }

  function timeNow() {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function startLeaderboard(section) {
    var pollUrl = section.dataset.pollUrl;
    var fragmentUrl = section.dataset.fragmentUrl;
    var interval = Math.max(2000, parseInt(section.dataset.interval || "5000", 10));
    var etag = section.dataset.etag || null;
    var status = document.getElementById("lb-status");
    var region = document.getElementById("lb-fragment");
    var busy = false;

    function tick() {
      if (busy || document.hidden) return;
      busy = true;
      var headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      // no-store: the browser must not answer from its cache or add its own validators.
      fetch(pollUrl, { headers: headers, cache: "no-store", credentials: "omit" })
        .then(function (res) {
          if (res.status === 304) return null;
          if (!res.ok) throw new Error("HTTP " + res.status);
          etag = res.headers.get("ETag");
          return fetch(fragmentUrl, { cache: "no-store", credentials: "omit" }).then(function (r) {
            if (!r.ok) throw new Error("HTTP " + r.status);
            return r.text();
          });
        })
        .then(function (html) {
          if (html === null) return;
          var changed = patchRegion(region, html);
          section.dataset.refreshes = String(parseInt(section.dataset.refreshes || "0", 10) + 1);
          var names = changed.map(function (el) { return el.dataset.label; }).filter(Boolean);
          status.textContent = "Updated " + timeNow() +
            (names.length ? ": " + names.slice(0, 3).join(", ") + (names.length > 3 ? " and more" : "") : "");
        })
        .catch(function (err) { status.textContent = "Live refresh paused (" + err.message + "), retrying."; })
        .finally(function () { busy = false; });
    }
    setInterval(tick, interval);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) tick(); });
  }

  function statuses(root) {
    var out = {};
    root.querySelectorAll("tr[data-key] .badge").forEach(function (badge) {
      out[badge.closest("tr").dataset.key] = badge.textContent.trim();
    });
    return out;
  }

  function startTeamView(section) {
    var form = document.getElementById("token-form");
    var input = document.getElementById("token-input");
    var forget = document.getElementById("token-forget");
    var region = document.getElementById("team-fragment");
    var status = document.getElementById("team-status");
    var url = section.dataset.fragmentUrl;
    var timer = null;

    function load(announce) {
      var token = sessionStorage.getItem(TOKEN_KEY);
      if (!token) return;
      fetch(url, { headers: { Authorization: "Bearer " + token }, cache: "no-store", credentials: "omit" })
        .then(function (res) {
          return res.text().then(function (html) { return { ok: res.ok, status: res.status, html: html }; });
        })
        .then(function (r) {
          var before = statuses(region);
          if (!region.firstElementChild || !r.ok) {
            region.innerHTML = r.html;
          } else {
            patchRegion(region, r.html);
          }
          // Announce status changes only (progress ticks would be too chatty).
          var after = statuses(region);
          var moved = Object.keys(after).filter(function (k) { return before[k] && before[k] !== after[k]; });
          if (moved.length) {
            status.textContent = moved.map(function (k) {
              return "Submission " + k.slice(0, 8) + " is now " + after[k];
            }).join("; ") + ".";
          }
          if (r.status === 401 || r.status === 403) sessionStorage.removeItem(TOKEN_KEY);
          forget.hidden = !sessionStorage.getItem(TOKEN_KEY);
          if (announce) status.textContent = r.ok ? "Team view loaded " + timeNow() : "Token rejected.";
          var active = region.querySelector("[data-active='true']");
          clearTimeout(timer);
          if (active && r.ok) timer = setTimeout(function () { load(false); }, 4000);
        })
        .catch(function (err) { status.textContent = "Could not load the team view (" + err.message + ")."; });
    }

    // The reproducibility record: fetched with the token (the page never puts
    // it in a URL), saved as a file.
    region.addEventListener("click", function (ev) {
      var button = ev.target.closest("button[data-record]");
      if (!button) return;
      var token = sessionStorage.getItem(TOKEN_KEY);
      if (!token) return;
      var id = button.dataset.record;
      fetch("/api/v1/submissions/" + encodeURIComponent(id) + "/record", {
        headers: { Authorization: "Bearer " + token, Accept: "application/json" },
        cache: "no-store", credentials: "omit"
      })
        .then(function (res) {
          if (!res.ok) throw new Error("HTTP " + res.status);
          return res.blob();
        })
        .then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = "arena-record-" + id + ".json";
          document.body.appendChild(link);
          link.click();
          setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
          status.textContent = "Record of " + id.slice(0, 8) + " downloaded.";
        })
        .catch(function (err) { status.textContent = "Could not download the record (" + err.message + ")."; });
    });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var token = input.value.trim();
      if (!token) { status.textContent = "Paste your team token first."; input.focus(); return; }
      sessionStorage.setItem(TOKEN_KEY, token);
      input.value = "";
      load(true);
    });
    forget.addEventListener("click", function () {
      sessionStorage.removeItem(TOKEN_KEY);
      clearTimeout(timer);
      region.innerHTML = "";
      forget.hidden = true;
      status.textContent = "Token forgotten.";
      input.focus();
    });
    forget.hidden = !sessionStorage.getItem(TOKEN_KEY);
    load(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lb = document.getElementById("leaderboard");
    if (lb && lb.dataset.pollUrl) startLeaderboard(lb);
    var team = document.getElementById("team");
    if (team) startTeamView(team);
  });
})();
