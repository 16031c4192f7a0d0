// Samtaleduk 2, live: htmx saves each cell as it is typed and polls the others' changes; this file keeps the
// cell someone is typing in from being replaced by those changes, shows each cell's saving state, and holds a
// cell's autosave while its conflict waits for a choice (so the typed text is offered, never written over).
(function () {
  "use strict";

  document.documentElement.classList.add("js-canvas");

  function message(name) {
    const table = document.getElementById("canvas");
    return table ? table.dataset[name] || "" : "";
  }

  function cellOf(element) {
    return element && element.closest ? element.closest(".cell") : null;
  }

  function mainForm(element) {
    return element && element.classList && element.classList.contains("cell-form") ? element : null;
  }

  function inConflict(cell) {
    return cell.querySelector(".cell-conflict") !== null;
  }

  function currentState(cell) {
    const span = cell.querySelector(".cell-state [data-state]");
    return span ? span.dataset.state : "";
  }

  function setState(cell, state, text) {
    const holder = cell.querySelector(".cell-state");
    if (!holder || currentState(cell) === state) {
      return;
    }
    const span = document.createElement("span");
    span.className = "state state-" + state;
    span.dataset.state = state;
    span.textContent = text;
    holder.replaceChildren(span);
  }

  function typedValue(form) {
    const text = form.querySelector("textarea");
    const due = form.querySelector("input[name=due]");
    return (text ? text.value : "") + "\n" + (due ? due.value : "");
  }

  function knownVersion(cell) {
    const input = cell.querySelector("input[name=version]");
    return Math.max(Number(cell.dataset.version || 0), Number(input ? input.value : 0));
  }

  // The text typed while the losing save was on its way is the person's text too: offer that one.
  function holdForChoice(cell, form) {
    const textarea = form.querySelector("textarea");
    textarea.readOnly = true;
    const mine = textarea.value;
    const input = cell.querySelector("[data-conflict-mine-input]");
    if (input && input.value !== mine) {
      input.value = mine;
      cell.querySelector("[data-conflict-mine]").textContent = mine;
      const merge = cell.querySelector("[data-conflict-merge]");
      if (merge) {
        merge.value = merge.dataset.theirs + "\n\n" + mine;
      }
    }
  }

  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest(".cell-form");
    const cell = cellOf(form);
    if (!cell || inConflict(cell)) {
      return;
    }
    cell.dataset.dirty = "1";
    if (currentState(cell) !== "changed") {
      setState(cell, "unsaved", message("textUnsaved"));
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    // A tab in the background asks for no changes: it catches up with the first poll once it is shown again.
    if (document.hidden && event.detail.elt.classList && event.detail.elt.classList.contains("canvas-poll")) {
      event.preventDefault();
      return;
    }
    const form = mainForm(event.detail.elt);
    const cell = cellOf(form);
    if (!cell) {
      return;
    }
    if (inConflict(cell)) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = typedValue(form);
    if (currentState(cell) !== "changed") {
      setState(cell, "saving", message("textSaving"));
    }
  });

  // A cell's autosave that failed as gone (404) or with an error of ours (500) keeps to the cell's own state line,
  // where the page's notice for a failed form would be put again at every pause in the typing. A 403 (signed out,
  // a stale form) keeps its notice: it holds the link to sign in again.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    if (mainForm(event.detail.requestConfig.elt) && (status === 404 || status === 500)) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = mainForm(event.detail.elt);
    const cell = cellOf(form);
    if (!cell || !cell.isConnected) {
      return;
    }
    if (!event.detail.successful) {
      const status = event.detail.xhr ? event.detail.xhr.status : 0;
      const text = status === 404 ? "textGone" : status >= 500 ? "textError" : "textFailed";
      setState(cell, "failed", message(text));
      return;
    }
    const state = currentState(cell);
    if (state === "conflict") {
      holdForChoice(cell, form);
    } else if (state === "saved") {
      if (typedValue(form) === form.dataset.sent) {
        delete cell.dataset.dirty;
      } else {
        setState(cell, "unsaved", message("textUnsaved"));
      }
    }
  });

  // Another person's saved cell: swapped in, unless this page already has that version, or someone here is in
  // the cell or has typed in it; that cell is told, and its next save meets the conflict.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    const target = event.detail.target;
    if (!target.classList || !target.classList.contains("cell")) {
      return;
    }
    const incoming = event.detail.fragment.firstElementChild;
    if (incoming && Number(incoming.dataset.version || 0) <= knownVersion(target)) {
      event.detail.shouldSwap = false;
      return;
    }
    if (target.contains(document.activeElement) || target.dataset.dirty || inConflict(target)) {
      event.detail.shouldSwap = false;
      target.dataset.stale = "1";
      if (!inConflict(target)) {
        setState(target, "changed", message("textChanged"));
      }
    }
  });

  // A cell reached by Tab is scrolled wholly into the canvas's box, clear of the life areas kept in view
  // (scroll-padding-left); the browser alone leaves a cell half outside the box when part of it shows. Only from the
  // keyboard: a button pressed with the mouse is focused before it is released, and moved away, the click is lost.
  document.addEventListener("focusin", function (event) {
    const cell = cellOf(event.target);
    if (cell && event.target.matches(":focus-visible")) {
      cell.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // Leaving the page (a reload, a closed tab) while a cell's text is not saved yet: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".cell[data-dirty]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Left without typing after someone else changed it: fetch the canvas again; only the cells this page does not
  // have the newest version of are swapped in.
  document.addEventListener("focusout", function (event) {
    const cell = cellOf(event.target);
    const poll = document.querySelector(".canvas-poll");
    if (!cell || !cell.dataset.stale || cell.dataset.dirty || cell.contains(event.relatedTarget) || !poll) {
      return;
    }
    delete cell.dataset.stale;
    window.htmx.ajax("GET", poll.getAttribute("hx-get") + "?cursor=0%3A", { target: poll, swap: "none" });
  });
})();
