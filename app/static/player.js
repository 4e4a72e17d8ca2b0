// Kete's test player: every answer is saved as it is given, and none is ever lost.
//
// Each change becomes a numbered save ({client_id, seq, item_id, response, flagged, time_s}).
// Unsent saves wait in localStorage (only the latest per item) and are sent until the server
// acknowledges them; the server keeps a save only if its seq is the highest for the item, so
// sending one again is always safe. A reload or another device starts from the server's
// answers; saves still waiting here (newer) are re-applied on top.
//
// When the server cannot take a save now the answers stay safe here and the status line says
// so: a 503 (Kete is busy) is sent again after its Retry-After plus jitter (so a class does
// not come back in step), a 409 "SendAgain" at once, a network failure after a back-off.
// Other 409s (time is up, handed in) are final. Handing in goes through the same rules.
//
// Adaptive tests (multistage, or one question at a time) show the current stage only. Going
// on sends every waiting save, then asks the server to move on from this stage (by its
// number, nothing else: the server marks the answers and chooses what comes next) and loads
// the page again, which shows what the server chose. A resend or a stale page moves nothing.
(function () {
  "use strict";
  const root = document.getElementById("player");
  if (!root) return;
  const sittingId = root.dataset.sitting;
  const csrf = root.dataset.csrf;
  const server = JSON.parse(document.getElementById("player-state").textContent);
  const statusLine = document.getElementById("save-status");
  const stage = root.dataset.stage ? Number(root.dataset.stage) : null;
  const nextForm = document.getElementById("next-form");
  const SAFE_HERE = "Your answers are safe on this device and will be sent";

  function say(text, unsaved) {
    statusLine.textContent = text;
    statusLine.classList.toggle("unsaved", !!unsaved);
  }

  // --- saves waiting on this device ---------------------------------------------------
  const storeKey = "kete-sitting-" + sittingId;
  const pending = loadPending();
  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function keepPending() {
    try { localStorage.setItem(storeKey, JSON.stringify(pending)); } catch (e) { /* full */ }
  }
  function waiting() { return Object.keys(pending).length; }

  // --- talking to the server: what an answer means for the request that got it ----------
  // ok: done. again: send the same request after `wait` ms. closed: final refusal (say
  // `detail`). lost: never storable (stop sending it). out: logged out.
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const jittered = (ms) => ms * (1 + Math.random() * 0.5);
  let backoff = 1000;

  async function post(path, body) {
    try {
      const response = await fetch(path, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return await outcomeOf(response);
    } catch (e) {  // offline, or the server went away: try again later
      backoff = Math.min(backoff * 2, 30000);
      return { kind: "again", wait: jittered(backoff), why: "offline" };
    }
  }

  async function outcomeOf(response) {
    if (response.ok) { backoff = 1000; return { kind: "ok" }; }
    const body = await response.json().catch(() => ({}));
    if (response.status === 503 || response.status === 429) {
      const seconds = Number(response.headers.get("Retry-After")) || 2;
      return { kind: "again", wait: jittered(seconds * 1000), why: "busy" };
    }
    if (response.status === 409 && body.error === "SendAgain") {
      return { kind: "again", wait: 50 + Math.random() * 250, why: "clash" };
    }
    if (response.status === 409) return { kind: "closed", detail: body.detail };
    if (response.status === 401 || response.status === 403) return { kind: "out" };
    if (response.status >= 500) {
      backoff = Math.min(backoff * 2, 30000);
      return { kind: "again", wait: jittered(backoff), why: "error" };
    }
    return { kind: "lost" };  // 422: this save can never be stored; do not send it again
  }

  function sayNotSent(outcome) {
    const seconds = Math.max(1, Math.round(outcome.wait / 1000));
    if (outcome.why === "offline") {
      say("Not saved yet: you seem to be offline. " + SAFE_HERE + " when you are back.", true);
    } else if (outcome.why === "busy") {
      say("Not saved yet: Kete is busy. " + SAFE_HERE + " in about " + seconds + " s.", true);
    } else if (outcome.why === "error") {
      say("Not saved yet: Kete had a problem. " + SAFE_HERE + " in about " + seconds + " s.", true);
    }
  }

  // --- sending the waiting saves, one at a time, in a single loop ------------------------
  let sending = false;
  let loggedOut = false;
  let notBefore = 0;     // a busy server asked us to wait until then
  let wakeUp = null;

  function later(ms) {
    notBefore = Date.now() + ms;
    clearTimeout(wakeUp);
    wakeUp = setTimeout(() => { notBefore = 0; flush(); }, ms);
  }

  // Returns true when nothing is left waiting.
  async function flush() {
    if (sending || Date.now() < notBefore) return waiting() === 0;
    sending = true;
    let refused = false;
    try {
      while (waiting()) {
        const [item, save] = Object.entries(pending)[0];
        const outcome = await post("/api/v1/sittings/" + sittingId + "/answers", save);
        if (outcome.kind === "again") {
          sayNotSent(outcome);
          if (outcome.why === "clash") { await sleep(outcome.wait); continue; }
          later(outcome.wait);
          return false;
        }
        if (outcome.kind === "out") {
          loggedOut = true;
          say("You have been logged out. Log in again: " + SAFE_HERE.toLowerCase() + " then.", true);
          return false;
        }
        if (outcome.kind === "closed") {
          refused = true;
          say(outcome.detail || "Time is up or the test was handed in: answers can no longer change.", true);
        }
        // ok, closed or lost: this save is done with (a newer one of the item may be waiting)
        if (pending[item] && pending[item].client_id === save.client_id) delete pending[item];
        keepPending();
      }
      if (!refused) say("All answers saved.");
      return true;
    } finally {
      sending = false;
    }
  }
  window.addEventListener("online", () => { notBefore = 0; flush(); });
  setInterval(() => { if (waiting()) flush(); }, 5000);

  // --- recording answers ----------------------------------------------------------------
  const itemTime = {};
  let seq = Math.max(server.last_seq || 0, ...Object.values(pending).map((s) => s.seq), 0);
  let active = null;
  let activeSince = 0;

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

  // time on each item (for the rapid-guessing check)
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
  if (waiting()) flush();

  // --- review and hand in -------------------------------------------------------------
  const submitForm = document.getElementById("submit-form");
  function openQuestions() {
    return [...document.querySelectorAll("fieldset.question")].filter(
      (fs) => fs.dataset.section === "test" && (responseOf(fs) === null || fs.querySelector(".flag-box").checked));
  }
  function review() {
    const list = document.getElementById("review-list");
    list.textContent = "";
    const open = openQuestions();
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
    const goingOn = nextForm !== null;
    document.getElementById("review-summary").textContent = open.length
      ? open.length + " question(s) to look at before you " + (goingOn ? "go on:" : "hand in:")
      : "Every question has an answer. You can " + (goingOn ? "go on." : "hand in your test.");
  }
  document.getElementById("answers").addEventListener("change", review);
  review();

  // Every waiting save first, then the hand-in itself; both wait out a busy server.
  let handingIn = false;
  async function handIn() {
    if (handingIn) return;
    handingIn = true;
    const button = submitForm.querySelector("button");
    button.disabled = true;
    while (!(await flush()) && !loggedOut) await sleep(Math.max(250, notBefore - Date.now()));
    let outcome = { kind: "out" };
    if (!loggedOut) {
      say("Handing in your test…");
      while ((outcome = await post("/api/v1/sittings/" + sittingId + "/submit")).kind === "again") {
        say(outcome.why === "offline"
          ? "Not handed in yet: you seem to be offline. " + SAFE_HERE + " when you are back."
          : "Not handed in yet: Kete is busy. " + SAFE_HERE + " in a moment.", true);
        await sleep(outcome.wait);
      }
    }
    if (outcome.kind === "out") {  // log in again, then hand in: nothing is lost meanwhile
      say("You have been logged out. Log in again to hand in: " + SAFE_HERE.toLowerCase() + " then.", true);
      handingIn = button.disabled = false;
      return;
    }
    window.location.assign("/student/results/" + sittingId);
  }
  submitForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const open = openQuestions().length;
    if (open && !window.confirm(open + " question(s) are unanswered or flagged. Hand in anyway?")) return;
    handIn();
  });

  // --- adaptive tests: going on to the stage the server chooses ------------------------
  const movedKey = "kete-moved-on-" + sittingId;
  let movingOn = false;
  async function goOn() {
    if (movingOn) return;
    movingOn = true;
    const button = nextForm.querySelector("button");
    const questions = document.querySelectorAll("#answers fieldset.question");
    const hold = (on) => { button.disabled = on; questions.forEach((fs) => { fs.disabled = on; }); };
    hold(true);  // no answer changes while the stage closes
    // the server chooses from the answers it holds, so every waiting save goes first
    while (!(await flush()) && !loggedOut) await sleep(Math.max(250, notBefore - Date.now()));
    let outcome = { kind: "out" };
    if (!loggedOut) {
      say("Going on…");
      while ((outcome = await post("/api/v1/sittings/" + sittingId + "/next", { stage: stage })).kind === "again") {
        say(outcome.why === "offline"
          ? "Not gone on yet: you seem to be offline. " + SAFE_HERE + " when you are back."
          : "Not gone on yet: Kete is busy. Trying again in a moment.", true);
        await sleep(outcome.wait);
      }
    }
    if (outcome.kind === "out") {
      say("You have been logged out. Log in again to go on: " + SAFE_HERE.toLowerCase() + " then.", true);
      movingOn = false;
      hold(false);
      return;
    }
    if (outcome.kind === "closed") say(outcome.detail || "This test cannot go on.", true);
    try { sessionStorage.setItem(movedKey, "1"); } catch (e) { /* private mode */ }
    window.location.reload();  // the server shows where the sitting is now
  }
  if (nextForm) {
    nextForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const open = openQuestions().length;
      if (open && !window.confirm(open + " question(s) are unanswered or flagged. You cannot come back to them. Go on anyway?")) return;
      goOn();
    });
  }
  let movedOn = null;
  try { movedOn = sessionStorage.getItem(movedKey); sessionStorage.removeItem(movedKey); } catch (e) { /* private mode */ }
  if (movedOn && stage !== null) {  // keyboard and screen-reader users start at the new part
    const heading = document.getElementById("section-test");
    if (heading) heading.focus();
  }

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
        handIn();
      }
    };
    const timer = setInterval(tick, 1000);
    tick();
  }
})();
