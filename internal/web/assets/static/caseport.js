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
"use strict";

(function () {
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
