// A signed-in page tells the server that the person is still working in it (familielos.views.still_here). Typing a
// long text into a form sends no request of its own, so the session's idle expiry could end it before the form is
// sent, and the text would be lost. After the person types or clicks, at most once every `data-every` seconds: a
// page merely left open sends nothing, and its session ends as before. When the answer shows that the session has
// already ended (the login redirect), the page says so at once, while what was typed is still in the form.
(function () {
  "use strict";

  const source = document.getElementById("still-here");
  if (!source) {
    return;
  }
  const every = Number(source.dataset.every) * 1000;
  let last = Date.now();
  let sending = false;
  let ended = false;

  function sayEnded() {
    ended = true;
    const notice = source.content.querySelector("[role=alert]").cloneNode(true);
    const main = document.getElementById("main");
    // Not focused: the person is typing, and their keys stay in the field; role=alert has it read out.
    notice.removeAttribute("autofocus");
    main.insertBefore(notice, main.firstChild);
  }

  function stillHere() {
    if (ended || sending || Date.now() - last < every) {
      return;
    }
    sending = true;
    last = Date.now();
    const body = new FormData();
    body.append("csrfmiddlewaretoken", source.dataset.csrf);
    fetch(source.dataset.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        // Any other failure (the network, the database away) says nothing of the session: the next activity asks again.
        if (response.type === "opaqueredirect") {
          sayEnded();
        }
      })
      .catch(function () {})
      .finally(function () {
        sending = false;
      });
  }

  ["input", "keydown", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, stillHere, { capture: true, passive: true });
  });
})();
