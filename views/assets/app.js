// Keyboard for moderators (views/queue-page.tsx HelpDialog lists the keys). A static file: the
// content security policy forbids inline script. Without it, every action is still a form.
(() => {
  document.documentElement.classList.add('js');
  const rows = () => [...document.querySelectorAll('.queue-row:not([data-decided])')];
  const byId = (id) => rows().find((r) => r.dataset.messageId === id);
  /** The message the moderator selected, by id: it survives every live refresh of the list. */
  let selectedId = null;
  /** The ids of the list as last shown, to find a successor when the selected one leaves. */
  let order = [];
  /** Messages this moderator decided here: their leaving the list needs no word. */
  const decidedHere = new Set();
  /** Rows ticked for a batch decision (x), by message id. */
  const picked = new Set();
  const MAX_NOTICES = 5;
  /** Rows whose whole text the moderator opened ("show more"), by message id. */
  const expanded = new Set();

  /** A "show more" button under each text cut short; the choice survives refreshes. */
  function showMoreButtons() {
    for (const text of document.querySelectorAll('.queue-row .text')) {
      const row = text.closest('.queue-row');
      const id = row.dataset.messageId;
      row.classList.toggle('expanded', expanded.has(id));
      const cut = text.scrollHeight > text.clientHeight + 2;
      let button = row.querySelector('button.show-more');
      if (!cut && !expanded.has(id)) {
        button?.remove();
        continue;
      }
      if (!button) {
        button = document.createElement('button');
        button.type = 'button';
        button.className = 'show-more';
        text.after(button);
      }
      button.textContent = expanded.has(id) ? 'show less' : 'show more';
      button.setAttribute('aria-expanded', String(expanded.has(id)));
    }
  }

  /** Selects `row`; `scroll` brings it into view (moves, not refreshes: never jump the page). */
  function select(row, scroll = false) {
    for (const r of document.querySelectorAll('.queue-row.selected')) {
      if (r !== row) r.classList.remove('selected');
    }
    if (!row) {
      selectedId = null;
      return;
    }
    row.classList.add('selected');
    selectedId = row.dataset.messageId;
    if (scroll) row.scrollIntoView({ block: 'nearest' });
  }

  /** The row shown as selected and on screen, or none: keys act only on what can be seen. */
  function visibleSelection() {
    const row = selectedId === null ? undefined : byId(selectedId);
    if (!row || !row.classList.contains('selected')) return undefined;
    const box = row.getBoundingClientRect();
    if (box.bottom <= 0 || box.top >= window.innerHeight) return undefined;
    return row;
  }

  /**
   * Before acting: the visibly selected row, or, when nothing is visibly selected, select one
   * (the remembered one, else the first) and act on nothing this time.
   */
  function target() {
    const row = visibleSelection();
    if (row) return row;
    select((selectedId !== null && byId(selectedId)) || rows()[0], true);
    return undefined;
  }

  function move(step) {
    const row = visibleSelection();
    if (!row) return void target();
    const list = rows();
    const index = list.indexOf(row);
    select(list[Math.min(list.length - 1, Math.max(0, index + step))], true);
  }

  /** A notice in the notice area (views/components/decision-notice.tsx), from plain text. */
  function say(text) {
    const area = document.getElementById('notices');
    if (!area) return;
    const item = document.createElement('li');
    item.className = 'notice-item';
    const line = document.createElement('p');
    line.setAttribute('role', 'status');
    line.textContent = text;
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'dismiss';
    dismiss.setAttribute('aria-label', 'Dismiss');
    dismiss.textContent = '×';
    item.append(line, dismiss);
    area.prepend(item);
    trimNotices();
  }

  function trimNotices() {
    const items = document.querySelectorAll('#notices > .notice-item');
    for (const item of [...items].slice(MAX_NOTICES)) item.remove();
  }

  function bulkForm() {
    return document.getElementById('bulk');
  }

  function showPicks() {
    for (const box of document.querySelectorAll('.queue-row input.pick')) {
      const id = box.closest('.queue-row').dataset.messageId;
      box.checked = picked.has(id);
      box.closest('.queue-row').classList.toggle('picked', box.checked);
    }
    const form = bulkForm();
    if (form) {
      form.classList.toggle('has-picks', picked.size > 0);
      const count = form.querySelector('.bulk-count strong');
      if (count) count.textContent = String(picked.size);
    }
  }

  function decide(key) {
    const row = target();
    if (!row) return;
    const verdict = { a: 'approve', h: 'highlight', r: 'reject' }[key];
    // Ticked rows: decide them all at once, with one notice and one Undo.
    if (verdict && picked.size > 0) {
      const form = bulkForm();
      const button = form?.querySelector(`button[value="${verdict}"]`);
      if (!button) return;
      for (const id of picked) decidedHere.add(id);
      button.click(); // a click, so htmx sends the button's verdict
      return;
    }
    // Verdicts, and "reject similar" / "block similar" on pending items (htmx asks first).
    const button = row.querySelector(`button[data-key="${key}"]`);
    if (!button) return;
    const index = rows().indexOf(row);
    // Look-alikes: stay put, as the moderator may cancel when asked.
    if (!button.matches('.verdict')) return void button.click();
    decidedHere.add(row.dataset.messageId);
    button.click();
    // Decide and next: the following row becomes the selection.
    const next = rows()[index + 1];
    if (next) select(next, true);
  }

  function toggleTick() {
    const row = target();
    if (!row || !row.querySelector('input.pick')) return;
    const id = row.dataset.messageId;
    if (picked.has(id)) picked.delete(id);
    else picked.add(id);
    showPicks();
  }

  function openNote() {
    const row = target();
    const note = row?.querySelector('input.note');
    if (!note) return;
    note.hidden = false;
    note.focus();
  }

  document.addEventListener('keydown', (event) => {
    const dialog = document.getElementById('help');
    const typing = event.target.matches?.('input:not([type="checkbox"]), textarea, select');
    // Enter in a note never decides (its form's default button is disabled, too).
    if (event.key === 'Enter' && event.target.matches?.('input.note')) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape' && typing) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => decide('a'),
      h: () => decide('h'),
      r: () => decide('r'),
      s: () => decide('s'),
      b: () => decide('b'),
      x: () => toggleTick(),
      n: () => openNote(),
      '/': () => document.querySelector('input[name="q"]')?.focus(),
      '?': () => (dialog?.open ? dialog.close() : dialog?.showModal()),
      Enter: () => {
        const link = target()?.querySelector('a.open-item');
        if (link) window.location.href = link.href;
      },
    };
    // Enter on a link or button keeps its own meaning.
    if (event.key === 'Enter' && event.target.matches?.('a, button, summary')) return;
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener('click', (event) => {
    const dismiss = event.target.closest?.('#notices .dismiss');
    if (dismiss) {
      dismiss.closest('.notice-item')?.remove();
      return;
    }
    const more = event.target.closest?.('.queue-row button.show-more');
    if (more) {
      const id = more.closest('.queue-row').dataset.messageId;
      if (expanded.has(id)) expanded.delete(id);
      else expanded.add(id);
      showMoreButtons();
      return;
    }
    if (event.target.closest?.('.bulk-clear')) {
      picked.clear();
      showPicks();
      return;
    }
    // A click or tap on a row selects it (its links and buttons keep working).
    const row = event.target.closest?.('.queue-list > .queue-row');
    if (row) select(row);
  });

  document.addEventListener('change', (event) => {
    if (!event.target.matches?.('.queue-row input.pick')) return;
    const id = event.target.closest('.queue-row').dataset.messageId;
    if (event.target.checked) picked.add(id);
    else picked.delete(id);
    showPicks();
  });

  // Live refreshes must not pull the list from under a moderator who is typing a note.
  document.addEventListener('htmx:beforeRequest', (event) => {
    const queue = document.getElementById('queue');
    if (
      event.detail.elt === queue &&
      queue.contains(document.activeElement) &&
      document.activeElement.matches('input:not([type="checkbox"]), textarea')
    ) {
      event.preventDefault();
    }
    if (event.detail.elt === bulkForm()) {
      for (const id of picked) decidedHere.add(id);
    }
    // A decision sent from a row, by key, click or tap: its leaving the list needs no word.
    const form = event.detail.elt;
    if (form.matches?.('form.decide, form.similar')) {
      const row = form.closest('.queue-row');
      if (row) decidedHere.add(row.dataset.messageId);
    }
  });

  document.addEventListener('htmx:afterRequest', (event) => {
    if (event.detail.elt === bulkForm() && event.detail.successful) {
      picked.clear();
      showPicks();
    }
  });

  /**
   * After any swap has settled (htmx restores a row's attributes, the selection's class among
   * them, while settling): show the selection again on the same message; if it left the list,
   * select its successor and say so, unless this moderator decided it here.
   */
  function reconcile() {
    const list = rows();
    const ids = list.map((r) => r.dataset.messageId);
    if (selectedId !== null && !ids.includes(selectedId)) {
      const gone = selectedId;
      const at = order.indexOf(gone);
      const after = order.slice(at + 1).find((id) => ids.includes(id));
      const before = order
        .slice(0, Math.max(0, at))
        .reverse()
        .find((id) => ids.includes(id));
      const successor = byId(after ?? before ?? '') ?? list[0];
      select(successor);
      if (!decidedHere.has(gone)) {
        say(
          successor
            ? 'The message you had selected left the queue (decided elsewhere); the next one is selected now.'
            : 'The message you had selected left the queue (decided elsewhere).',
        );
      }
    } else if (selectedId !== null) {
      const row = byId(selectedId);
      for (const r of document.querySelectorAll('.queue-row.selected')) {
        if (r !== row) r.classList.remove('selected');
      }
      row.classList.add('selected');
    } else if (list.length > 0) {
      select(list[0]);
    }
    order = ids;
    for (const id of picked) if (!ids.includes(id)) picked.delete(id);
    showPicks();
    trimNotices();
    showMoreButtons();
  }

  // Undo is offered for a while (src/moderation/undo-decision.ts); past it, its button goes.
  window.setInterval(() => {
    for (const form of document.querySelectorAll('form.undo[data-undo-until]')) {
      if (Date.now() > Number(form.dataset.undoUntil)) form.remove();
    }
  }, 1000);

  document.addEventListener('htmx:afterSettle', reconcile);
  document.addEventListener('htmx:oobAfterSwap', reconcile);
  document.addEventListener('DOMContentLoaded', () => {
    // The item view's decision bar is selected from the start; the queue's first row too.
    select(rows().find((r) => r.classList.contains('selected')) ?? rows()[0]);
    order = rows().map((r) => r.dataset.messageId);
    showPicks();
    showMoreButtons();
  });
})();
