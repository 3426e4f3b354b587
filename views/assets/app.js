// Keyboard for moderators (views/queue-page.tsx HelpDialog lists the keys). A static file: the
// content security policy forbids inline script. Without it, every action is still a form.
(() => {
  const rows = () => [...document.querySelectorAll('.queue-row:not([data-decided])')];
  let selectedId = null;

  function select(row) {
    for (const r of document.querySelectorAll('.queue-row.selected'))
      r.classList.remove('selected');
    if (!row) return;
    row.classList.add('selected');
    selectedId = row.dataset.messageId;
    row.scrollIntoView({ block: 'nearest' });
  }

  function selected() {
    return rows().find((r) => r.dataset.messageId === selectedId) ?? rows()[0];
  }

  function move(step) {
    const list = rows();
    const index = list.indexOf(selected());
    select(list[Math.min(list.length - 1, Math.max(0, index + step))]);
  }

  function decide(key) {
    const row = selected();
    // Verdicts, and "reject similar" / "block similar" on pending items (htmx asks first).
    const button = row?.querySelector(`button[data-key="${key}"]`);
    if (!button) return;
    const index = rows().indexOf(row);
    button.click();
    // Look-alikes: stay put, as the moderator may cancel when asked.
    if (!button.matches('.verdict')) return;
    // Decide and next: the following row becomes the selection.
    const next = rows()[index + 1];
    if (next) select(next);
  }

  document.addEventListener('keydown', (event) => {
    const dialog = document.getElementById('help');
    if (event.key === 'Escape' && event.target.matches?.('input, textarea, select')) {
      event.target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.matches?.('input, textarea, select')) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      a: () => decide('a'),
      h: () => decide('h'),
      r: () => decide('r'),
      s: () => decide('s'),
      b: () => decide('b'),
      n: () => selected()?.querySelector('input.note')?.focus(),
      '/': () => document.querySelector('input[name="q"]')?.focus(),
      '?': () => (dialog?.open ? dialog.close() : dialog?.showModal()),
      Enter: () => {
        const link = selected()?.querySelector('a.open-item');
        if (link) window.location.href = link.href;
      },
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  // Live refreshes must not pull the list from under a moderator who is typing a note.
  document.addEventListener('htmx:beforeRequest', (event) => {
    const queue = document.getElementById('queue');
    if (
      event.detail.elt === queue &&
      queue.contains(document.activeElement) &&
      document.activeElement.matches('input')
    ) {
      event.preventDefault();
    }
  });
  // After a refresh, keep the selection on the same message.
  document.addEventListener('htmx:afterSwap', () => select(selected()));
  document.addEventListener('DOMContentLoaded', () => select(selected()));
})();
