// Kete's test player: every answer is saved as it is given, and none is ever lost.
//
// Each change becomes a numbered save ({client_id, seq, item_id, response, flagged, time_s}).
// Unsent saves wait in localStorage (only the latest per item) and are re-sent until the
// server acknowledges them; the server stores a save only if its seq is the highest for the
// item, so re-sending is always safe. A reload or another device starts from the server's
// answers; saves still waiting here (newer) are re-applied on top.
(function () {
  "use strict";
  const root = document.getElementById("player");
  if (!root) return;
  const sittingId = root.dataset.sitting;
  const csrf = root.dataset.csrf;
  const server = JSON.parse(document.getElementById("player-state").textContent);
  const storeKey = "kete-sitting-" + sittingId;
  const status = document.getElementById("save-status");
  const pending = loadPending();
  const itemTime = {};
  let seq = Math.max(server.last_seq || 0, ...Object.values(pending).map((s) => s.seq), 0);
  let active = null;
  let activeSince = 0;
  let sending = false;
  let again = false;

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function keepPending() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* full */ }
  }
  function say(text, unsaved) {
    status.textContent = text;
    status.classList.toggle("unsaved", !!unsaved);
  }

  function fieldsetOf(el) { return el.closest("fieldset.question"); }
  function responseOf(fs) {
    const type = fs.dataset.type;
    const inputs = fs.querySelectorAll("input[name^='answer-']");
    if (type === "multiple_choice") {
      const picked = [...inputs].filter((i) => i.checked).map((i) => i.value);
      return picked.length ? picked : null;
    }
    if (type === "single_choice" || type === "likert") {
      const on = [...inputs].find((i) => i.checked);
      return on ? on.value : null;
    }
    const text = inputs[0].value.trim();
    return text === "" ? null : text;
  }
  function applyResponse(fs, response, flagged) {
    const inputs = fs.querySelectorAll("input[name^='answer-']");
    if (fs.dataset.type === "numeric" || fs.dataset.type === "short_text") {
      inputs[0].value = response == null ? "" : String(response);
    } else {
      const chosen = Array.isArray(response) ? response : [response];
      inputs.forEach((i) => { i.checked = chosen.includes(i.value); });
    }
    fs.querySelector(".flag-box").checked = !!flagged;
    fs.classList.toggle("flagged", !!flagged);
  }

  // --- time on each item (for the rapid-guessing check) -------------------------------
  function settleTime(now) {
    if (active) itemTime[active] = (itemTime[active] || 0) + (now - activeSince) / 1000;
    activeSince = now;
  }
  document.addEventListener("focusin", (event) => {
    const fs = fieldsetOf(event.target);
    const id = fs ? fs.dataset.item : null;
    if (id === active) return;
    settleTime(Date.now());
    active = id;
  });

  // --- saving -----------------------------------------------------------------------------
  function record(fs) {
    settleTime(Date.now());
    seq += 1;
    const flagged = fs.querySelector(".flag-box").checked;
    fs.classList.toggle("flagged", flagged);
    const item = fs.dataset.item;
    pending[item] = {
      client_id: sittingId + "-" + seq + "-" + Math.random().toString(36).slice(2, 10),
      seq: seq, item_id: Number(item), response: responseOf(fs), flagged: flagged,
      time_s: Math.round((itemTime[item] || 0) * 10) / 10, answered_at: new Date().toISOString(),
    };
    keepPending();
    flush();
  }
  async function send(save) {
    const response = await fetch("/api/v1/sittings/" + sittingId + "/answers", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(save),
    });
    if (response.ok || response.status === 409 || response.status === 422) {
      if (response.status === 409) say("Time is up or the test was handed in: answers can no longer change.", true);
      return true;  // stored, already stored, or never storable: stop re-sending it
    }
    if (response.status === 401 || response.status === 403) {
      say("You have been logged out. Log in again: your answers are kept on this device.", true);
    }
    return false;
  }
  async function flush() {
    if (sending) { again = true; return; }
    sending = true;
    try {
      for (const [item, save] of Object.entries(pending)) {
        let ok = false;
        try { ok = await send(save); } catch (e) { ok = false; }
        if (!ok) {
          say("Not saved yet: you seem to be offline. Keep going; we will save when you are back.", true);
          return;
        }
        if (pending[item] && pending[item].client_id === save.client_id) delete pending[item];
        keepPending();
      }
      if (Object.keys(pending).length === 0) say("All answers saved.");
    } finally {
      sending = false;
      if (again) { again = false; flush(); }  // saves made while this round was sending
    }
  }
  window.addEventListener("online", flush);
  setInterval(() => { if (Object.keys(pending).length) flush(); }, 5000);

  document.getElementById("answers").addEventListener("change", (event) => {
    const fs = fieldsetOf(event.target);
    if (fs) record(fs);
  });

  // --- restore: the server's answers, then newer saves still waiting on this device ------
  for (const answer of server.answers) {
    const fs = document.getElementById("item-" + answer.item_id);
    if (fs) applyResponse(fs, answer.response, answer.flagged);
  }
  for (const save of Object.values(pending)) {
    const fs = document.getElementById("item-" + save.item_id);
    if (fs) applyResponse(fs, save.response, save.flagged);
  }
  if (Object.keys(pending).length) flush();

  // --- review and hand in -------------------------------------------------------------
  const submitForm = document.getElementById("submit-form");
  function review() {
    const list = document.getElementById("review-list");
    list.textContent = "";
    const open = [...document.querySelectorAll("fieldset.question")].filter(
      (fs) => fs.dataset.section === "test" && (responseOf(fs) === null || fs.querySelector(".flag-box").checked));
    for (const fs of open) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      const reasons = [responseOf(fs) === null ? "not answered" : null,
        fs.querySelector(".flag-box").checked ? "flagged" : null].filter(Boolean).join(", ");
      a.href = "#" + fs.id;
      a.textContent = "Question " + fs.dataset.number + ": " + reasons;
      a.addEventListener("click", (e) => { e.preventDefault(); fs.querySelector("input").focus(); });
      li.appendChild(a);
      list.appendChild(li);
    }
    document.getElementById("review-summary").textContent = open.length
      ? open.length + " question(s) to look at before you hand in:"
      : "Every question has an answer. You can hand in your test.";
  }
  document.getElementById("answers").addEventListener("change", review);
  review();
  submitForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    await flush();
    if (Object.keys(pending).length) {
      say("Some answers are not saved yet. Stay connected, then hand in again.", true);
      return;
    }
    const open = document.getElementById("review-list").children.length;
    if (open && !window.confirm(open + " question(s) are unanswered or flagged. Hand in anyway?")) return;
    submitForm.submit();
  });

  // --- timer ------------------------------------------------------------------------------
  if (server.remaining_s != null) {
    const end = Date.now() + server.remaining_s * 1000;
    const shown = document.getElementById("timer-value");
    const warned = {};
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      shown.textContent = minutes + ":" + String(left % 60).padStart(2, "0");
      document.getElementById("timer").classList.toggle("low", left <= 300);
      for (const mark of [300, 60]) {
        if (left <= mark && !warned[mark]) { warned[mark] = true; say(mark / 60 + " minute(s) left."); }
      }
      if (left === 0) {
        clearInterval(timer);
        say("Time is up: handing in your test.");
        flush().then(() => submitForm.submit());
      }
    };
    const timer = setInterval(tick, 1000);
    tick();
  }
})();
