// Transfer Files: sends files and folders to a case over the tus protocol
// (/api/v1/uploads), several at once, in chunks each checked with SHA-256,
// and resumes an upload where it stopped: after a dropped connection at
// once, after a reload when the same file is chosen again (its upload URL
// is kept in localStorage under the file's name, size and date).
"use strict";

(function () {
  const text = window.caseportText; // caseport.js: the page's messages
  const endpoint = "/api/v1/uploads";
  const chunkSize = 8 * 1024 * 1024;
  const parallelFiles = 3;
  const retryDelays = [1000, 2000, 5000, 10000, 20000, 30000];

  function b64(text) {
    return btoa(String.fromCharCode.apply(null, new TextEncoder().encode(text)));
  }

  // formatSize writes a byte count as the pages do (format.size.*).
  function formatSize(n) {
    const units = ["B", "kB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) {
      n /= 1000;
      i++;
    }
    const number = i === 0 ? String(n) : n.toFixed(1).replace(".", text("decimalMark"));
    return text("size" + units[i], { n: number });
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // request sends one tus request with XMLHttpRequest (for upload
  // progress) and resolves with it whatever its status; it rejects only
  // when the network failed.
  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", "1.0.0");
      Object.keys(headers).forEach(function (k) { xhr.setRequestHeader(k, headers[k]); });
      if (onProgress) xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.ontimeout = xhr.onerror;
      xhr.send(body);
    });
  }

  function problem(xhr) {
    try {
      return JSON.parse(xhr.responseText).detail || xhr.statusText;
    } catch (e) {
      return xhr.statusText || "HTTP " + xhr.status;
    }
  }

  async function chunkChecksum(blob) {
    if (!window.crypto || !crypto.subtle) return null; // only in secure contexts
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return "sha256 " + btoa(String.fromCharCode.apply(null, new Uint8Array(digest)));
  }

  function Uploader(root) {
    this.root = root;
    this.caseNumber = root.dataset.uploadCase;
    this.list = root.querySelector("#upload-list");
    this.overall = root.querySelector("#upload-overall");
    this.overallLabel = root.querySelector("#upload-overall-label");
    this.items = [];
    this.running = 0;
    this.mask = root.querySelector("#mask-logs");
    if (this.mask) {
      // The masker is 3 MB: fetched when masking is ticked, not before.
      const mask = this.mask;
      mask.addEventListener("change", function () {
        if (mask.checked) loadMasker(mask).catch(function () {});
      });
    }
  }

  Uploader.prototype.add = function (file, path) {
    const li = document.createElement("li");
    li.className = "upload-item";
    const name = document.createElement("p");
    name.className = "upload-name";
    name.textContent = path || file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const state = document.createElement("p");
    state.className = "upload-state";
    state.setAttribute("aria-live", "polite");
    state.textContent = text("waiting", { size: formatSize(file.size) });
    li.append(name, bar, state);
    this.list.append(li);
    this.root.querySelector(".upload-overall").hidden = false;
    const item = { file: file, name: path || file.name, size: file.size, sent: 0, li: li, bar: bar, state: state, done: false };
    this.items.push(item);
    this.pump();
  };

  Uploader.prototype.pump = function () {
    const self = this;
    while (this.running < parallelFiles) {
      const next = this.items.find(function (it) { return !it.started; });
      if (!next) break;
      next.started = true;
      this.running++;
      this.send(next).then(function () {
        next.done = true;
        next.li.classList.add("done");
      }, function (err) {
        next.failed = true;
        next.li.classList.add("failed");
        next.state.textContent = text("notSent", { reason: err.message });
      }).finally(function () {
        self.running--;
        self.progress();
        self.pump();
        if (self.items.every(function (it) { return it.done || it.failed; })) self.refreshFiles();
      });
    }
    this.progress();
  };

  Uploader.prototype.progress = function () {
    let total = 0;
    let sent = 0;
    this.items.forEach(function (it) {
      total += it.size;
      sent += it.sent;
      it.bar.value = it.size ? (it.sent / it.size) * 100 : 100;
    });
    const done = this.items.filter(function (it) { return it.done; }).length;
    this.overall.value = total ? (sent / total) * 100 : 100;
    this.overallLabel.textContent = text("overall", {
      done: done, files: this.items.length, count: this.items.length, sent: formatSize(sent), total: formatSize(total),
    });
  };

  // The masker is internal/mask compiled to WebAssembly (the same code as
  // `caseport mask`), loaded the first time it is needed, from the
  // (content-hashed) addresses the mask checkbox names.
  let maskerReady = null;
  function loadMasker(checkbox) {
    if (!maskerReady) {
      maskerReady = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = checkbox.dataset.wasmExec;
        script.onload = resolve;
        script.onerror = function () { reject(new Error(text("maskerFailed"))); };
        document.head.append(script);
      }).then(function () {
        const go = new Go();
        return WebAssembly.instantiateStreaming(fetch(checkbox.dataset.masker), go.importObject).then(function (wasm) {
          go.run(wasm.instance); // sets window.caseportMasker and stays to serve its calls
        });
      });
      maskerReady.catch(function () { maskerReady = null; });
    }
    return maskerReady;
  }

  // maskFile returns a masked copy of a text file, with the same value
  // always given the same placeholder, and the summary of what was masked;
  // null for a file that is not text (a NUL byte in its first 8 kB).
  async function maskFile(checkbox, file, onProgress) {
    const head = new Uint8Array(await file.slice(0, 8192).arrayBuffer());
    if (head.includes(0)) return null;
    await loadMasker(checkbox);
    const masker = window.caseportMasker(true);
    const parts = [];
    const reader = file.stream().getReader();
    let read = 0;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      parts.push(masker.write(next.value));
      read += next.value.length;
      onProgress(read);
    }
    parts.push(masker.close());
    return { blob: new Blob(parts, { type: file.type }), summary: masker.summary().text };
  }

  // prepare returns what is sent for a file: the file itself, or a masked
  // copy of a text file when masking is on.
  Uploader.prototype.prepare = async function (item) {
    if (!this.mask || !this.mask.checked) return item.file;
    item.state.textContent = text("masking");
    const masked = await maskFile(this.mask, item.file, function (read) {
      item.state.textContent = text("maskingProgress", { read: formatSize(read), size: formatSize(item.file.size) });
    });
    if (!masked) {
      item.maskSummary = text("notMasked");
      return item.file;
    }
    item.size = masked.blob.size;
    item.maskSummary = masked.summary;
    return masked.blob;
  };

  Uploader.prototype.send = async function (item) {
    const blob = await this.prepare(item);
    const key = "caseport-upload:" + this.caseNumber + ":" + item.name + ":" + blob.size + ":" +
      (item.file.lastModified || 0) + (blob !== item.file ? ":masked" : "");
    let url = localStorage.getItem(key);
    let offset = 0;
    let attempt = 0;
    let last = null;
    for (;;) {
      try {
        if (url) {
          const head = await request("HEAD", url, {}, null);
          if (head.status === 200) {
            offset = Number(head.getResponseHeader("Upload-Offset"));
            last = head;
          } else if (head.status === 404 || head.status === 410) {
            localStorage.removeItem(key);
            url = null;
            offset = 0;
          } else {
            throw new Error(problem(head));
          }
        }
        if (!url) {
          const meta = "case " + b64(this.caseNumber) + ",filename " + b64(item.name) +
            (item.file.type ? ",filetype " + b64(item.file.type) : "");
          const created = await request("POST", endpoint, { "Upload-Length": String(blob.size), "Upload-Metadata": meta }, null);
          if (created.status !== 201) throw new Error(problem(created));
          url = created.getResponseHeader("Location");
          localStorage.setItem(key, url);
          last = created;
        }
        if (offset > 0 && offset < blob.size) item.state.textContent = text("resuming", { offset: formatSize(offset) });
        while (offset < blob.size) {
          const piece = blob.slice(offset, Math.min(offset + chunkSize, blob.size));
          const headers = { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset) };
          const sum = await chunkChecksum(piece);
          if (sum) headers["Upload-Checksum"] = sum;
          const start = offset;
          const res = await request("PATCH", url, headers, piece, (loaded) => {
            item.sent = start + loaded;
            item.state.textContent = text("progress", { sent: formatSize(item.sent), size: formatSize(blob.size) });
            this.progress();
          });
          if (res.status === 204) {
            offset = Number(res.getResponseHeader("Upload-Offset"));
            item.sent = offset;
            attempt = 0;
            last = res;
          } else if (res.status === 409 || res.status === 460) {
            const head = await request("HEAD", url, {}, null); // resynchronise and send again
            offset = Number(head.getResponseHeader("Upload-Offset"));
          } else {
            throw new Error(problem(res));
          }
        }
        if (blob.size === 0 || !last.getResponseHeader("Caseport-Sha256")) {
          const head = await request("HEAD", url, {}, null);
          last = head;
        }
        break;
      } catch (err) {
        if (err.message !== "network" || attempt >= retryDelays.length) throw err;
        item.state.textContent = text("retrying");
        await sleep(retryDelays[attempt++]);
      }
    }
    localStorage.removeItem(key);
    item.sent = item.size;
    const sha = last.getResponseHeader("Caseport-Sha256") || "";
    item.state.textContent = item.maskSummary ?
      text("sentMasked", { size: formatSize(blob.size), summary: item.maskSummary }) : text("sent", { size: formatSize(blob.size) });
    const code = document.createElement("code");
    code.className = "sha";
    code.textContent = sha;
    item.state.append(code);
  };

  // refreshFiles reloads the files list of the page once everything is
  // sent: #case-files as the server renders the page now, wrapper and all.
  Uploader.prototype.refreshFiles = async function () {
    const res = await fetch(location.href, { credentials: "same-origin" });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const fresh = doc.getElementById("case-files");
    const old = document.getElementById("case-files");
    if (fresh && old) old.replaceWith(fresh);
  };

  // Folders dropped on the page are walked for their files.
  function readEntry(entry, path, out) {
    if (entry.isFile) {
      return new Promise(function (resolve) {
        entry.file(function (f) { out.push({ file: f, path: path + f.name }); resolve(); }, resolve);
      });
    }
    if (!entry.isDirectory) return Promise.resolve();
    const reader = entry.createReader();
    return new Promise(function (resolve) {
      const all = [];
      (function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            Promise.all(all.map(function (e) { return readEntry(e, path + entry.name + "/", out); })).then(resolve);
            return;
          }
          all.push.apply(all, batch);
          more();
        }, function () { resolve(); });
      })();
    });
  }

  function start() {
    const root = document.getElementById("uploader");
    if (!root) return;
    const up = new Uploader(root);
    const zone = root.querySelector("#dropzone");
    const addFiles = function (files) {
      Array.prototype.forEach.call(files, function (f) { up.add(f, f.webkitRelativePath || f.name); });
    };
    root.querySelector("#pick-files").addEventListener("change", function (e) { addFiles(e.target.files); e.target.value = ""; });
    root.querySelector("#pick-folder").addEventListener("change", function (e) { addFiles(e.target.files); e.target.value = ""; });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      const entries = Array.prototype.map.call(e.dataTransfer.items || [], function (it) {
        return it.webkitGetAsEntry ? it.webkitGetAsEntry() : null;
      }).filter(Boolean);
      if (!entries.length) {
        addFiles(e.dataTransfer.files);
        return;
      }
      const out = [];
      Promise.all(entries.map(function (en) { return readEntry(en, "", out); })).then(function () {
        out.forEach(function (x) { up.add(x.file, x.path); });
      });
    });
    window.caseportUploader = up; // for the browser tests and the console
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
