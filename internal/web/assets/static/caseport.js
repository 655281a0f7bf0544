// Caseport: small enhancements on top of pages that work without script.
//
//   data-maxlength="N" on an input or textarea shows "used / N characters"
//   (in the page's language, as every text below).
//   data-word-meter="N" on a textarea fills the .word-meter after it and
//   turns it green at N words.
//   Fields named in an error summary get aria-invalid, and the summary
//   takes the focus so a screen reader announces it.
//   The console's navigation groups open one at a time.
//   window.caseportText(id, args) is a message of the page's language for
//   scripts: layout.html gives them in the #caseport-messages element, with
//   {name} where args.name goes; a plural message has a text per CLDR form
//   and picks one by args.count.
//   The tz cookie tells the server the browser's time zone (Europe/Berlin),
//   for the times of pages of a reader who chose none on their profile.
"use strict";

(function () {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const cookie = "tz=" + encodeURIComponent(zone);
    if (zone && document.cookie.split("; ").indexOf(cookie) < 0) {
      document.cookie = cookie + "; path=/; max-age=31536000; samesite=lax" + (location.protocol === "https:" ? "; secure" : "");
    }
  } catch (e) {
    // No Intl time zones: the server writes UTC.
  }

  const source = document.getElementById("caseport-messages");
  const messages = source ? JSON.parse(source.textContent) : {};
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  function text(id, args) {
    args = args || {};
    let m = messages[id];
    if (m && typeof m === "object") m = m[plurals.select(args.count)] || m.other || Object.values(m)[0];
    return String(m === undefined ? id : m).replace(/\{(\w+)\}/g, function (all, k) {
      return k in args ? String(args[k]) : all;
    });
  }
  window.caseportText = text;

  function countWords(text) {
    const words = text.trim().split(/\s+/);
    return words.length === 1 && words[0] === "" ? 0 : words.length;
  }

  function charCounter(field) {
    const max = Number(field.dataset.maxlength);
    if (!max) return;
    const out = document.createElement("p");
    out.className = "char-count";
    out.setAttribute("aria-live", "polite");
    out.id = field.id + "-count";
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    field.insertAdjacentElement("afterend", out);
    const update = function () {
      const used = field.value.length;
      out.textContent = text("chars", { used: used, max: max, count: max });
      out.classList.toggle("near", used >= max * 0.9 && used <= max);
      out.classList.toggle("over", used > max);
    };
    field.addEventListener("input", update);
    update();
  }

  function wordMeter(field) {
    const goal = Number(field.dataset.wordMeter);
    const meter = field.parentElement.querySelector(".word-meter");
    if (!goal || !meter) return;
    const bar = meter.querySelector(".word-meter-bar");
    const label = document.createElement("p");
    label.className = "word-count";
    label.setAttribute("aria-live", "polite");
    meter.insertAdjacentElement("afterend", label);
    const update = function () {
      const n = countWords(field.value);
      const met = n >= goal;
      meter.classList.toggle("met", met);
      if (bar) bar.style.width = Math.min(100, (n / goal) * 100) + "%";
      label.textContent = met ? text("wordsEnough", { n: n, count: n }) : text("wordsOf", { n: n, goal: goal, count: goal });
    };
    field.addEventListener("input", update);
    update();
  }

  function markErrors() {
    document.querySelectorAll(".field-error[id$='-error']").forEach(function (err) {
      const name = err.id.slice(0, -"-error".length);
      const field = document.getElementById(name);
      if (field) field.setAttribute("aria-invalid", "true");
    });
    const summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  // The console's navigation groups are <details>: one open at a time,
  // closed by a click elsewhere or Escape.
  function navGroups() {
    const groups = document.querySelectorAll(".nav-group>details");
    if (!groups.length) return;
    groups.forEach(function (g) {
      g.addEventListener("toggle", function () {
        if (!g.open) return;
        groups.forEach(function (o) { if (o !== g) o.open = false; });
      });
    });
    document.addEventListener("click", function (e) {
      groups.forEach(function (g) { if (g.open && !g.contains(e.target)) g.open = false; });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      groups.forEach(function (g) {
        if (!g.open) return;
        g.open = false;
        g.querySelector("summary").focus();
      });
    });
  }

  function start() {
    navGroups();
    document.querySelectorAll("[data-maxlength]").forEach(charCounter);
    document.querySelectorAll("textarea[data-word-meter]").forEach(wordMeter);
    markErrors();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// The agent's case page (#agent-case): keyboard shortcuts (r reply,
// n note, a assign to me, s status, j/k next/previous case of the view,
// ? the list of them; never while typing in a field), a draft of the
// reply kept per case in localStorage until it is sent, a saved reply
// inserted as it is chosen, the Markdown preview, the properties saved as
// they change, and a look every 15 s at whether someone else changed the
// case (the version's ETag), which the page then says. Its texts are the
// page's own elements.
(function () {
  const page = document.getElementById("agent-case");
  if (!page) return;
  const form = document.getElementById("work-form");
  const body = document.getElementById("body");
  const number = page.dataset.case;
  const draftKey = "caseport-draft-" + number;
  const version = form.querySelector("input[name=version]");
  let sending = false;
  // pending is the properties' save in flight: a send waits for it, so it
  // goes with the version that save made.
  let pending = null;

  // Newest at the bottom: the end of the conversation is in sight.
  const feed = document.getElementById("case-feed-card");
  if (feed && page.dataset.order === "oldest") feed.scrollTop = feed.scrollHeight;

  // Drafts survive a reload; sending clears them.
  try {
    const kept = localStorage.getItem(draftKey);
    if (kept && !body.value) body.value = kept;
  } catch (e) { /* storage refused: no drafts */ }
  body.addEventListener("input", function () {
    try { localStorage.setItem(draftKey, body.value); } catch (e) { /* no drafts */ }
  });
  form.addEventListener("submit", function (ev) {
    const by = ev.submitter;
    if (pending) {
      ev.preventDefault();
      pending.then(function () { form.requestSubmit(by); });
      return;
    }
    if (by && (by.id === "send" || by.id === "send-then")) {
      sending = true;
      try { localStorage.removeItem(draftKey); } catch (e) { /* no drafts */ }
    }
  });

  // A saved reply goes in as it is chosen, its status on the second
  // button.
  const macro = document.getElementById("macro");
  const then = form.querySelector("input[name=then]");
  const sendThen = document.getElementById("send-then");
  const applyButton = document.getElementById("apply-macro");
  if (macro) {
    if (applyButton) applyButton.hidden = true;
    macro.addEventListener("change", function () {
      const opt = macro.selectedOptions[0];
      if (!opt || !opt.dataset.body) return;
      body.value = (body.value.trim() ? body.value.trim() + "\n\n" : "") + opt.dataset.body;
      body.dispatchEvent(new Event("input"));
      if (opt.dataset.then) {
        then.value = opt.dataset.then;
        sendThen.textContent = opt.dataset.thenLabel;
        sendThen.hidden = opt.dataset.then === sendThen.dataset.now;
      }
    });
  }

  // The preview is rendered by the server, as the feed will show it.
  const previewButton = document.getElementById("preview-toggle");
  const preview = document.getElementById("preview");
  if (previewButton && preview) {
    previewButton.hidden = false;
    previewButton.addEventListener("click", function () {
      if (!preview.hidden) {
        preview.hidden = true;
        previewButton.setAttribute("aria-pressed", "false");
        return;
      }
      fetch(previewButton.dataset.preview, {
        method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ body: body.value }),
      }).then(function (res) { return res.ok ? res.text() : ""; }).then(function (html) {
        preview.innerHTML = html;
        preview.hidden = false;
        previewButton.setAttribute("aria-pressed", "true");
      });
    });
  }

  // The properties save as they change, with the version the page
  // holds; a refusal (changed meanwhile, a wrong value) is the page's own
  // answer, sent the ordinary way.
  const saveButton = document.getElementById("save-properties");
  const saved = document.getElementById("props-saved");
  function saveProperties() {
    const data = new FormData(form);
    data.delete("body");
    data.delete("files");
    data.set("properties_only", "1");
    let failed = false;
    pending = fetch(form.action, { method: "POST", body: data }).then(function (res) {
      if (!res.ok) {
        failed = true;
        return null;
      }
      return res.text();
    }).then(function (html) {
      if (!html) return;
      const next = new DOMParser().parseFromString(html, "text/html");
      const fresh = next.getElementById("work-form");
      if (!fresh) return;
      fresh.querySelectorAll("input[type=hidden]").forEach(function (input) {
        const mine = form.querySelector("input[type=hidden][name='" + input.name + "']");
        if (mine && input.name !== "then") mine.value = input.value;
      });
      page.dataset.version = version.value;
      if (saved) {
        saved.hidden = false;
        setTimeout(function () { saved.hidden = true; }, 3000);
      }
    }).catch(function () { failed = true; }).then(function () {
      pending = null;
      if (failed) saveButton.click();
    });
  }
  document.querySelectorAll("[data-autosave]").forEach(function (field) {
    field.addEventListener("change", saveProperties);
  });

  // Someone else changed the case: say so, with a link to reload.
  const changed = document.getElementById("case-changed");
  function look() {
    if (document.hidden || sending) return;
    fetch("/cases/" + number + "/version", { headers: { "If-None-Match": '"' + version.value + '"' } }).then(function (res) {
      if (res.status !== 200) return null;
      return res.json();
    }).then(function (v) {
      if (v && String(v.version) !== version.value) changed.hidden = false;
    }).catch(function () { /* offline for now: look again later */ });
  }
  setInterval(look, 15000);
  // Back to the tab or the window: look at once.
  document.addEventListener("visibilitychange", look);
  window.addEventListener("focus", look);

  // Keyboard shortcuts, never while typing. The character of a key a
  // shortcut took is not typed where the shortcut put the focus.
  const help = document.getElementById("shortcuts-help");
  let swallow = false;
  document.addEventListener("keypress", function (ev) {
    if (swallow) ev.preventDefault();
    swallow = false;
  }, true);
  document.addEventListener("keyup", function () { swallow = false; });
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target) || (help && help.open && ev.key !== "?")) return;
    const go = function (href) { if (href) window.location.href = href; };
    switch (ev.key) {
    case "r":
      document.getElementById("visibility").checked = true;
      body.focus();
      break;
    case "n":
      document.getElementById("visibility-internal").checked = true;
      body.focus();
      break;
    case "a": {
      const me = document.getElementById("assign-me");
      if (me) me.click();
      break;
    }
    case "s":
      document.getElementById("status").focus();
      break;
    case "j":
      go(page.dataset.next);
      break;
    case "k":
      go(page.dataset.prev);
      break;
    case "?":
      if (help && !help.open) help.showModal();
      break;
    default:
      return;
    }
    ev.preventDefault();
    swallow = true;
  });
})();

// The queue carries its query to the cases it opens (?from=), so that a
// case's page finds the cases before and after it there (j, k).
(function () {
  if (window.location.pathname !== "/console") return;
  const from = window.location.search.slice(1);
  document.querySelectorAll("a[href^='/cases/']").forEach(function (a) {
    if (/^\/cases\/\d{10}$/.test(a.getAttribute("href"))) a.href = a.getAttribute("href") + "?from=" + encodeURIComponent(from);
  });
})();
