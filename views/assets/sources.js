// The sources screens (views/sources-page.tsx, views/source-page.tsx). A static file: the content
// security policy forbids inline script. Without it, the values are still in read-only fields to
// select, and the forms still post (the answers are then whole pages).
(() => {
  // Copy buttons are hidden until this script runs (app.css), so they never appear dead.
  document.documentElement.classList.add('copy-ready');

  function copied(button, text) {
    button.textContent = text;
    setTimeout(() => (button.textContent = 'Copy'), 2000);
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('button[data-copy]');
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.focus();
    field.select();
    // The Clipboard API needs a secure context (HTTPS or localhost); otherwise the old way.
    if (window.navigator.clipboard && window.isSecureContext) {
      window.navigator.clipboard.writeText(field.value).then(
        () => copied(button, 'Copied'),
        () => copied(button, 'Press Ctrl+C'),
      );
    } else {
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      copied(button, ok ? 'Copied' : 'Press Ctrl+C');
    }
  });

  // htmx leaves 4xx answers unswapped by default; these forms' 422 answer is the form again with
  // its field errors, so it is swapped in place like a success.
  document.addEventListener('htmx:beforeSwap', (event) => {
    const { xhr, elt } = event.detail;
    if (xhr.status === 422 && elt.closest?.('[data-swap-invalid]')) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
