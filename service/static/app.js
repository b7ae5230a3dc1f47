// stancewatch page: send the article to POST /predict and show the answer in the text.
// Every piece of text reaches the page through textContent or text nodes, never as HTML
// (the page's Content-Security-Policy enforces Trusted Types, so an HTML sink would throw).
"use strict";

(() => {
  const app = document.getElementById("app");
  const predictUrl = app.dataset.predictUrl;
  const maxBytes = Number(app.dataset.maxBytes);
  const form = document.getElementById("analyse-form");
  const textarea = document.getElementById("article");
  const sizeLine = document.getElementById("article-size");
  const tokenBox = document.getElementById("token-box");
  const tokenInput = document.getElementById("token");
  const analyseButton = document.getElementById("analyse");
  const clearButton = document.getElementById("clear");
  const message = document.getElementById("message");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const resultsHeading = document.getElementById("results-heading");
  const summary = document.getElementById("summary");
  const articleView = document.getElementById("article-view");
  const actorList = document.getElementById("actor-list");
  const modelVersion = document.getElementById("model-version");
  const encoder = new TextEncoder();
  const STANCES = ["favor", "against", "none"];

  // What the last answer put on the page, by actor index.
  let view = { mentions: [], evidence: [], buttons: [], selected: -1 };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatBytes(n) {
    if (n < 1000) return `${n} bytes`;
    if (n < 1000 * 1000) return `${(n / 1000).toFixed(1)} kB`;
    return `${(n / 1000 / 1000).toFixed(2)} MB`;
  }

  function requestBody(text) {
    return JSON.stringify({ text });
  }

  function updateSize() {
    const bytes = encoder.encode(requestBody(textarea.value)).length;
    const over = bytes > maxBytes;
    sizeLine.textContent = over
      ? `${formatBytes(bytes)}: over this server's limit of ${formatBytes(maxBytes)}. Shorten the article or split it.`
      : `${formatBytes(bytes)} of ${formatBytes(maxBytes)} allowed.`;
    sizeLine.classList.toggle("over", over);
  }

  function showMessage(text, kind = "error") {
    message.replaceChildren(el("p", "", text));
    message.className = `message ${kind}`;
    message.hidden = false;
  }

  function clearMessage() {
    message.hidden = true;
    message.replaceChildren();
    textarea.removeAttribute("aria-invalid");
    tokenInput.removeAttribute("aria-invalid");
  }

  function setBusy(busy) {
    analyseButton.disabled = busy;
    analyseButton.textContent = busy ? "Analysing…" : "Analyse";
    form.setAttribute("aria-busy", String(busy));
    if (busy) status.textContent = "Analysing the article…";
  }

  function errorText(response, body) {
    const error = (body && body.error) || {};
    const detail = error.message ? ` (${error.message})` : "";
    const requestId = response.headers.get("X-Request-ID");
    const reference = requestId ? ` Request id: ${requestId}.` : "";
    switch (response.status) {
      case 400:
        return `The server could not read this article${detail}.`;
      case 401:
      case 403:
        return `This server needs a valid API token${detail}. Enter it under “API token” and try again.`;
      case 413:
        return `The article is too long for this server: the limit is ${formatBytes(maxBytes)}. Shorten it or split it into parts.`;
      case 503:
        return error.code === "timeout"
          ? `The analysis took too long and was stopped. Try a shorter article.${reference}`
          : `The service is not ready: its model is not loaded. Ask the operator.${reference}`;
      default:
        return `The server failed to analyse the article (HTTP ${response.status}${detail}). Try again; if it keeps failing, tell the operator.${reference}`;
    }
  }

  async function analyse() {
    clearMessage();
    const text = textarea.value;
    if (!text.trim()) {
      textarea.setAttribute("aria-invalid", "true");
      showMessage("The article box is empty: paste or drop an article first.");
      textarea.focus();
      return;
    }
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    const token = tokenInput.value.trim();
    if (token) headers.Authorization = `Bearer ${token}`;
    setBusy(true);
    let response;
    let body = null;
    try {
      response = await fetch(predictUrl, { method: "POST", headers, body: requestBody(text) });
      body = await response.json().catch(() => null);
    } catch (error) {
      setBusy(false);
      status.textContent = "";
      showMessage("Could not reach the server. Check your connection and try again.");
      return;
    }
    setBusy(false);
    if (!response.ok || !body || !Array.isArray(body.actors)) {
      status.textContent = "";
      if (response.status === 401 || response.status === 403) {
        tokenBox.open = true;
        tokenInput.setAttribute("aria-invalid", "true");
      }
      if (response.status === 413 || response.status === 400) {
        textarea.setAttribute("aria-invalid", "true");
      }
      showMessage(errorText(response, body));
      return;
    }
    render(text, body);
  }

  // Offsets in the answer count Unicode code points (Python's str), not UTF-16 units.
  function segmentsOf(chars, actors) {
    const cuts = new Set([0, chars.length]);
    const clamp = (n) => Math.max(0, Math.min(chars.length, n));
    for (const actor of actors) {
      for (const span of [...actor.mentions, ...actor.evidence]) {
        cuts.add(clamp(span.start));
        cuts.add(clamp(span.end));
      }
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    return sorted.slice(0, -1).map((start, i) => ({ start, end: sorted[i + 1] }));
  }

  // The segments inside [span.start, span.end), found by binary search (segments are sorted).
  function* within(segments, span) {
    let low = 0;
    let high = segments.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (segments[middle].start < span.start) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < segments.length && segments[i].end <= span.end; i += 1) {
      yield segments[i];
    }
  }

  function render(text, answer) {
    const chars = Array.from(text);
    const actors = answer.actors;
    const segments = segmentsOf(chars, actors);
    const owner = new Map();
    const covered = new Set();
    actors.forEach((actor, index) => {
      for (const mention of actor.mentions) {
        for (const segment of within(segments, mention)) {
          if (!owner.has(segment)) owner.set(segment, index);
        }
      }
      for (const evidence of actor.evidence) {
        for (const segment of within(segments, evidence)) covered.add(segment);
      }
    });

    view = {
      mentions: actors.map(() => []),
      evidence: actors.map(() => []),
      buttons: [],
      selected: -1,
    };
    const pieces = [];
    for (const segment of segments) {
      const piece = chars.slice(segment.start, segment.end).join("");
      if (!owner.has(segment) && !covered.has(segment)) {
        pieces.push(document.createTextNode(piece));
        continue;
      }
      const span = el(owner.has(segment) ? "mark" : "span", "", piece);
      span.dataset.start = String(segment.start);
      span.dataset.end = String(segment.end);
      if (owner.has(segment)) {
        const index = owner.get(segment);
        const actor = actors[index];
        span.classList.add("mention", `stance-${actor.stance}`);
        span.dataset.actor = String(index);
        span.title = `${actor.actor}: ${actor.stance} (confidence ${actor.confidence.toFixed(2)})`;
        view.mentions[index].push(span);
      }
      pieces.push(span);
      segment.node = span;
    }
    actors.forEach((actor, index) => {
      for (const evidence of actor.evidence) {
        for (const segment of within(segments, evidence)) view.evidence[index].push(segment.node);
      }
    });
    articleView.replaceChildren(...pieces);
    actorList.replaceChildren(...actors.map((actor, index) => actorItem(actor, index)));
    summary.textContent = summaryText(actors);
    modelVersion.textContent = (answer.model && answer.model.version) || "—";
    results.hidden = false;
    status.textContent = `Analysis done. ${summary.textContent}`;
    resultsHeading.focus();
  }

  function summaryText(actors) {
    if (actors.length === 0) return "No actor of the debate was found in this article.";
    const counts = STANCES.map((s) => `${actors.filter((a) => a.stance === s).length} ${s}`);
    const noun = actors.length === 1 ? "actor" : "actors";
    return `${actors.length} ${noun}: ${counts.join(", ")}.`;
  }

  function actorItem(actor, index) {
    const item = el("li", `actor stance-${actor.stance}-item`);
    item.dataset.actor = String(index);
    const button = el("button", "actor-button");
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", `evidence-${index}`);
    const name = el("span", "actor-name", actor.actor);
    const badge = el("span", `badge stance-${actor.stance}`, actor.stance);
    const meta = el(
      "span",
      "actor-meta",
      `${actor.type} · confidence ${actor.confidence.toFixed(2)} · ${actor.mentions.length} mention${actor.mentions.length === 1 ? "" : "s"}`,
    );
    button.append(name, badge, meta);
    const panel = el("div", "evidence-list");
    panel.id = `evidence-${index}`;
    panel.hidden = true;
    if (actor.evidence.length === 0) {
      panel.append(el("p", "hint", "No passage shows a stance: the actor is only mentioned."));
    } else {
      panel.append(el("p", "evidence-title", "Evidence"));
      const list = el("ol");
      for (const evidence of actor.evidence) {
        const entry = el("li");
        entry.append(
          el("q", "", evidence.text),
          el("span", "evidence-meta", ` ${evidence.stance}, ${evidence.confidence.toFixed(2)}`),
        );
        list.append(entry);
      }
      panel.append(list);
    }
    button.addEventListener("mouseenter", () => preview(index, true));
    button.addEventListener("mouseleave", () => preview(index, false));
    button.addEventListener("focus", () => preview(index, true));
    button.addEventListener("blur", () => preview(index, false));
    button.addEventListener("click", () => select(view.selected === index ? -1 : index));
    view.buttons[index] = button;
    item.append(button, panel);
    return item;
  }

  function mark(index, on) {
    if (index < 0) return;
    for (const node of view.evidence[index]) node.classList.toggle("evidence", on);
    for (const node of view.mentions[index]) node.classList.toggle("active", on);
  }

  function preview(index, on) {
    if (!on && index === view.selected) return;
    mark(index, on);
    if (on && view.selected >= 0 && view.selected !== index) mark(view.selected, false);
    if (!on && view.selected >= 0) mark(view.selected, true);
  }

  function select(index) {
    const previous = view.selected;
    if (previous >= 0) {
      mark(previous, false);
      view.buttons[previous].setAttribute("aria-pressed", "false");
      document.getElementById(`evidence-${previous}`).hidden = true;
    }
    view.selected = index;
    if (index < 0) return;
    mark(index, true);
    view.buttons[index].setAttribute("aria-pressed", "true");
    document.getElementById(`evidence-${index}`).hidden = false;
    scrollToFirst(view.evidence[index][0] || view.mentions[index][0]);
  }

  // Only the article box scrolls (on wide screens it has its own scrollbar); the page stays put.
  function scrollToFirst(node) {
    if (!node || articleView.scrollHeight <= articleView.clientHeight) return;
    const top = node.offsetTop - articleView.offsetTop;
    articleView.scrollTo({ top: Math.max(0, top - articleView.clientHeight / 3) });
  }

  function actorOfEvent(event) {
    const target = event.target instanceof Element ? event.target.closest("mark[data-actor]") : null;
    return target ? Number(target.dataset.actor) : -1;
  }

  let hovered = -1;
  articleView.addEventListener("mouseover", (event) => {
    const index = actorOfEvent(event);
    if (index === hovered) return;
    if (hovered >= 0) preview(hovered, false);
    hovered = index;
    if (index >= 0) preview(index, true);
  });
  articleView.addEventListener("mouseleave", () => {
    if (hovered >= 0) preview(hovered, false);
    hovered = -1;
  });
  articleView.addEventListener("click", (event) => {
    const index = actorOfEvent(event);
    if (index >= 0) {
      select(index);
      view.buttons[index].scrollIntoView({ block: "nearest" });
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && view.selected >= 0) {
      const button = view.buttons[view.selected];
      select(-1);
      button.focus();
    }
  });

  async function readDroppedFile(file) {
    if (file.size > 4 * maxBytes) {
      showMessage(
        `“${file.name}” is ${formatBytes(file.size)}, far over this server's limit of ${formatBytes(maxBytes)}.`,
      );
      return;
    }
    const textual = file.type === "" || file.type.startsWith("text/") || /\.(txt|md)$/i.test(file.name);
    if (!textual) {
      showMessage(`“${file.name}” is not a plain-text file. Drop a .txt file or paste the text.`);
      return;
    }
    textarea.value = await file.text();
    updateSize();
    status.textContent = `Loaded ${file.name}.`;
    textarea.focus();
  }

  textarea.addEventListener("dragover", (event) => {
    if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) {
      event.preventDefault();
      textarea.classList.add("dragging");
    }
  });
  textarea.addEventListener("dragleave", () => textarea.classList.remove("dragging"));
  textarea.addEventListener("drop", (event) => {
    textarea.classList.remove("dragging");
    const files = event.dataTransfer ? event.dataTransfer.files : null;
    if (files && files.length > 0) {
      event.preventDefault();
      clearMessage();
      readDroppedFile(files[0]);
    }
  });
  textarea.addEventListener("input", () => {
    updateSize();
    if (textarea.value.trim()) textarea.removeAttribute("aria-invalid");
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    analyse();
  });
  clearButton.addEventListener("click", () => {
    textarea.value = "";
    clearMessage();
    results.hidden = true;
    articleView.replaceChildren();
    actorList.replaceChildren();
    view = { mentions: [], evidence: [], buttons: [], selected: -1 };
    status.textContent = "Cleared.";
    updateSize();
    textarea.focus();
  });

  updateSize();
  app.dataset.ready = "true";
})();
