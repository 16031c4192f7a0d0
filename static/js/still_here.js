// A signed-in page tells the server that the person is still working in it (familielos.views.still_here; why, in
// docs/deployment.md, Sessions): after a key, a click or an input of theirs, at most once every `data-every` seconds.
// When the answer shows that the session has ended (the login redirect) or changed (another person signed in, in
// another tab: the form's token is refused), the page says so above the form being worked in, while what was typed
// is still in it.
(function () {
  "use strict";

  const template = document.getElementById("still-here");
  if (!template) {
    return;
  }
  const everyMs = Number(template.dataset.every) * 1000;
  // After a failure that says nothing of the session (the network, the database away), ask again this much sooner.
  const RETRY_MS = 30000;
  let last = Date.now();
  let sending = false;
  let ended = false;

  function sayEnded() {
    ended = true;
    const notice = template.content.firstElementChild.cloneNode(true);
    // Read out, but not focused: the person is typing, and their keys stay in the field.
    notice.setAttribute("role", "alert");
    const active = document.activeElement;
    const form = active && active.closest ? active.closest("form") : null;
    const main = document.getElementById("main");
    if (form) {
      form.parentNode.insertBefore(notice, form);
    } else {
      main.insertBefore(notice, main.firstChild);
    }
  }

  function stillHere(event) {
    if (!event.isTrusted || ended || sending || Date.now() - last < everyMs) {
      return;
    }
    sending = true;
    last = Date.now();
    const body = new FormData();
    body.append("csrfmiddlewaretoken", template.dataset.csrf);
    fetch(template.dataset.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      signal: AbortSignal.timeout(RETRY_MS),
    })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 403) {
          sayEnded();
        } else if (!response.ok) {
          last = Date.now() - everyMs + RETRY_MS;
        }
      })
      .catch(function () {
        last = Date.now() - everyMs + RETRY_MS;
      })
      .finally(function () {
        sending = false;
      });
  }

  ["input", "keydown", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, stillHere, { capture: true, passive: true });
  });
})();
