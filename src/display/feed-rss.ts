import type { FeedItem } from './display-feed.ts';

// XML 1.0 forbids most control characters and lone surrogates even when escaped: chat text
// carrying one would make the whole feed unreadable, so they are dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text for an XML element or attribute: markup characters escaped, forbidden ones dropped. */
export function xmlText(value: string): string {
  return value
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const TITLE_CHARS = 80;

/** First-strong isolate … pop directional isolate: invisible, and nothing inside leaks out. */
const isolate = (value: string) => `\u2068${value}\u2069`;

/**
 * "Name: text", shortened. Name and text are isolated from each other, so a right-to-left
 * override in a screen name ("\u202Enimda") cannot reorder the text after it in a reader.
 */
function itemTitle(item: FeedItem): string {
  const chars = Array.from(item.text);
  const text = chars.length > TITLE_CHARS ? `${chars.slice(0, TITLE_CHARS).join('')}…` : item.text;
  return item.screenName === null ? text : `${isolate(item.screenName)}: ${isolate(text)}`;
}

/**
 * An RSS 2.0 document of a display's feed. Every text is escaped (never CDATA: a message may
 * contain `]]>`); highlighted messages carry `<category>highlighted</category>`. `link` is the
 * display's own overlay URL, never the dashboard.
 */
export function feedRss(feed: {
  title: string;
  link: string;
  items: FeedItem[];
  builtAt: number;
}): string {
  const items = feed.items.map((item) =>
    [
      '    <item>',
      `      <title>${xmlText(itemTitle(item))}</title>`,
      `      <description>${xmlText(item.text)}</description>`,
      `      <guid isPermaLink="false">modhook-message-${item.id}</guid>`,
      `      <pubDate>${new Date(item.sentAt).toUTCString()}</pubDate>`,
      item.highlighted ? '      <category>highlighted</category>' : null,
      '    </item>',
    ]
      .filter((line) => line !== null)
      .join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0">',
    '  <channel>',
    `    <title>${xmlText(feed.title)}</title>`,
    `    <link>${xmlText(feed.link)}</link>`,
    `    <description>${xmlText(`Approved chat messages: ${feed.title}`)}</description>`,
    `    <lastBuildDate>${new Date(feed.builtAt).toUTCString()}</lastBuildDate>`,
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}
