/* global EventSource */
// The display overlay (views/overlay-page.tsx): keeps the list in step with the display's
// event stream. Chat text is hostile: it only ever goes into textContent, never into HTML.
(() => {
  const list = document.getElementById('feed');
  const url = document.body.dataset.events;
  const limit = Number(document.body.dataset.limit) || 10;
  if (!list || !url || typeof EventSource === 'undefined') return;

  /** id → item, as the server last said; the newest `limit` of them are shown. */
  const items = new Map();
  const newestFirst = (a, b) => b.sentAt.localeCompare(a.sentAt) || b.id - a.id;

  // <bdi>: a right-to-left override in a name or text cannot reorder what is around it.
  function build(item) {
    const li = document.createElement('li');
    li.dataset.id = String(item.id);
    if (item.screenName !== null) {
      const name = document.createElement('bdi');
      name.className = 'name';
      name.textContent = item.screenName;
      li.append(name);
    }
    const text = document.createElement('bdi');
    text.className = 'text';
    text.textContent = item.text;
    li.append(text);
    return li;
  }

  function style(li, item) {
    li.className = item.highlighted ? 'item highlighted' : 'item';
    li.dataset.sentAt = item.sentAt;
  }

  function leave(li) {
    if (li.classList.contains('leaving')) return;
    li.classList.add('leaving');
    delete li.dataset.id;
    const gone = () => li.remove();
    li.addEventListener('animationend', gone, { once: true });
    setTimeout(gone, 600);
  }

  /** Makes the list show the newest `limit` items in order, animating arrivals and leavers. */
  function render() {
    const shown = [...items.values()].sort(newestFirst).slice(0, limit);
    const keep = new Set(shown.map((i) => String(i.id)));
    const existing = new Map();
    for (const li of list.querySelectorAll('li[data-id]')) {
      if (keep.has(li.dataset.id)) existing.set(li.dataset.id, li);
      else leave(li);
    }
    let before = list.firstChild;
    for (const item of shown) {
      let li = existing.get(String(item.id));
      const fresh = li === undefined;
      const sameText =
        !fresh &&
        li.querySelector('.text')?.textContent === item.text &&
        (li.querySelector('.name')?.textContent ?? null) === item.screenName;
      if (!fresh && !sameText) {
        const rebuilt = build(item);
        li.replaceWith(rebuilt);
        li = rebuilt;
      }
      if (fresh) li = build(item);
      style(li, item);
      if (fresh) li.classList.add('entering');
      while (before && before.classList?.contains('leaving')) before = before.nextSibling;
      if (li !== before) list.insertBefore(li, before);
      before = li.nextSibling;
    }
  }

  // Items rendered with the page count as known until the stream's snapshot arrives.
  for (const li of list.querySelectorAll('li[data-id]')) {
    items.set(Number(li.dataset.id), {
      id: Number(li.dataset.id),
      text: li.querySelector('.text')?.textContent ?? '',
      screenName: li.querySelector('.name')?.textContent ?? null,
      highlighted: li.classList.contains('highlighted'),
      sentAt: li.dataset.sentAt ?? '',
    });
  }

  const source = new EventSource(url);
  source.addEventListener('snapshot', (event) => {
    items.clear();
    for (const item of JSON.parse(event.data).items) items.set(item.id, item);
    render();
  });
  source.addEventListener('upsert', (event) => {
    const item = JSON.parse(event.data);
    items.set(item.id, item);
    render();
  });
  source.addEventListener('remove', (event) => {
    items.delete(JSON.parse(event.data).id);
    render();
  });
  // The display was deleted or its token rotated: this URL shows nothing any more.
  source.addEventListener('gone', () => {
    source.close();
    items.clear();
    render();
  });
})();
