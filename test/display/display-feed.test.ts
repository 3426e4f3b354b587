import { describe, expect, it } from 'vitest';
import { displayedScreenName } from '../../src/display/display-feed.ts';
import { feedRss, xmlText } from '../../src/display/feed-rss.ts';
import { feedTime } from '../../src/display/feed-time.ts';
import { findAll, parseXml } from './parse-xml.ts';

describe('displayedScreenName', () => {
  it.each([
    ['Ada Lovelace', 'show', 'Ada Lovelace'],
    ['Ada Lovelace', 'short', 'Ada L.'],
    ['Ada King Lovelace', 'short', 'Ada L.'],
    ['  Ada   ', 'short', 'Ada'],
    ['Maximilianusxyz Long', 'short', 'Maximilianus… L.'],
    ['Émile Ångström', 'short', 'Émile Å.'],
    ['😀😀 🙂x', 'short', '😀😀 🙂.'],
    ['', 'short', ''],
    ['Ada Lovelace', 'hide', null],
  ] as const)('shows %j as %j → %j', (name, mode, expected) => {
    expect(displayedScreenName(name, mode)).toBe(expected);
  });
});

describe('feedTime', () => {
  const now = Date.UTC(2026, 4, 1, 12, 40);
  const received = Date.UTC(2026, 4, 1, 12, 39);
  it.each([
    ['a plausible send time', Date.UTC(2026, 4, 1, 12, 38), Date.UTC(2026, 4, 1, 12, 38)],
    ['up to a day ahead', now + 86_400_000, now + 86_400_000],
    ['more than a day ahead', now + 86_400_001, received],
    ['before 2000', Date.UTC(1999, 11, 31), received],
    ['year 9999', Date.UTC(9999, 0, 1), received],
    ['nanoseconds', 1.7e18, received],
    ['past what a Date holds', 8.64e15 + 1, received],
    ['negative', -1, received],
    ['infinite', Infinity, received],
    ['NaN', NaN, received],
    ['text', '2026-05-01', received],
  ] as const)('with a send time %s', (_, sent, want) => {
    expect(feedTime(sent, received, now)).toBe(want);
  });

  it('gives a time a Date holds whatever is stored', () => {
    expect(feedTime(1.7e18, 1.7e18, now)).toBe(0);
    expect(feedTime(null, 'x', now)).toBe(0);
  });
});

describe('the RSS document', () => {
  const item = (over: Partial<Parameters<typeof feedRss>[0]['items'][number]>) => ({
    id: 1,
    text: 'hello',
    screenName: 'Ada L.',
    highlighted: false,
    sentAt: '2026-05-01T12:38:00.000Z',
    channel: null,
    ...over,
  });

  it('escapes markup and drops characters XML forbids', () => {
    expect(xmlText('<b a="1">&\'</b>')).toBe('&lt;b a=&quot;1&quot;&gt;&amp;&apos;&lt;/b&gt;');
    expect(xmlText('a\u0000b\u0008c\u001fd\uFFFEe\uD800f')).toBe('abcdef');
    expect(xmlText('tab\tline\n😀')).toBe('tab\tline\n😀');
  });

  it('is well-formed XML whose texts read back exactly, hostile ones included', () => {
    const hostile = '<img src=x onerror=alert(1)>]]><![CDATA[ & &amp; </description>';
    const xml = feedRss({
      title: 'Hall <A> & "B"',
      link: 'http://127.0.0.1:8787/display/tok/overlay',
      builtAt: Date.UTC(2026, 4, 1, 12, 40),
      items: [
        item({ id: 2, text: hostile, screenName: '<b>Bob</b>', highlighted: true }),
        item({ id: 1, text: 'bell\u0007 here', screenName: null }),
      ],
    });
    const rss = parseXml(xml);
    expect(rss.name).toBe('rss');
    expect(rss.attributes.version).toBe('2.0');
    const [channel] = findAll(rss, 'channel');
    expect(findAll(channel!, 'title')[0]!.text).toBe('Hall <A> & "B"');
    const items = findAll(rss, 'item');
    expect(items).toHaveLength(2);
    const field = (i: number, name: string) => findAll(items[i]!, name)[0]?.text;
    expect(field(0, 'description')).toBe(hostile);
    expect(field(0, 'title')).toBe(`\u2068<b>Bob</b>\u2069: \u2068${hostile}\u2069`);
    expect(field(0, 'category')).toBe('highlighted');
    expect(field(0, 'guid')).toBe('modhook-message-2');
    expect(field(0, 'pubDate')).toBe('Fri, 01 May 2026 12:38:00 GMT');
    expect(field(1, 'description')).toBe('bell here');
    expect(field(1, 'category')).toBeUndefined();
    expect(xml).not.toContain('<img');
  });

  it('shortens long titles and keeps the whole text in the description', () => {
    const text = 'x'.repeat(100);
    const rss = parseXml(feedRss({ title: 't', link: 'l', builtAt: 0, items: [item({ text })] }));
    expect(findAll(rss, 'title')[1]!.text).toBe(
      `\u2068Ada L.\u2069: \u2068${'x'.repeat(80)}…\u2069`,
    );
    expect(findAll(rss, 'description')[1]!.text).toBe(text);
  });
});

describe('the test XML parser', () => {
  it.each([
    '<a><b></a></b>',
    '<a>x < y</a>',
    '<a>&nbsp;</a>',
    '<a>&amp</a>',
    '<a>\u0001</a>',
    '<a>',
  ])('refuses %j', (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});
