import { describe, expect, it } from 'vitest';
import { findLinks, hostMatchesDomain, type FoundLink } from '../../src/rules/detect-links.ts';

/** `⟦…⟧` marks where the links must be; returns the text without the marks and the links. */
function marked(source: string, hosts: string[]): [string, FoundLink[]] {
  const expected: FoundLink[] = [];
  let text = '';
  let start = 0;
  for (const part of source.split(/([⟦⟧])/u)) {
    if (part === '⟦') start = text.length;
    else if (part === '⟧') {
      const host = hosts[expected.length];
      if (host === undefined) throw new Error(`more marks than hosts in ${source}`);
      expected.push({ start, end: text.length, url: text.slice(start), host });
    } else text += part;
  }
  if (expected.length !== hosts.length) throw new Error(`fewer marks than hosts in ${source}`);
  return [text, expected];
}

describe('findLinks', () => {
  it.each<[behaviour: string, source: string, hosts: string[]]>([
    // with a scheme
    [
      'finds an https URL with path, query and fragment',
      'see ⟦https://example.com/a?b=1#c⟧ now',
      ['example.com'],
    ],
    ['finds an http URL', '⟦http://example.com⟧', ['example.com']],
    ['finds an upper-case URL and lowercases its host', '⟦HTTP://EVIL.COM/X⟧', ['evil.com']],
    ['finds a URL with mixed-case scheme and host', '⟦hTtPs://Evil.Com⟧', ['evil.com']],
    [
      'takes the host after user info and before the port',
      '⟦http://user@evil.com:8080/x⟧',
      ['evil.com'],
    ],
    [
      'takes the real host after a look-alike user name',
      '⟦http://google.com@evil.com/⟧',
      ['evil.com'],
    ],
    ['takes the host after a user name and password', '⟦https://u:p@evil.com/⟧', ['evil.com']],
    ['decodes a percent-encoded host', 'go ⟦http://%65vil.com⟧', ['evil.com']],
    ['decodes a percent-encoded dot in the host', '⟦http://evil%2Ecom/x⟧', ['evil.com']],
    ['drops the trailing dot of a fully qualified host', '⟦http://evil.com./x⟧', ['evil.com']],
    ['converts a Unicode host to punycode', '⟦http://bücher.de/x⟧', ['xn--bcher-kva.de']],
    ['finds an IPv4 host', '⟦http://192.168.0.1/admin⟧', ['192.168.0.1']],
    [
      'reads a decimal host as the IPv4 address a browser opens',
      '⟦http://3232235521/⟧',
      ['192.168.0.1'],
    ],
    [
      'reads a hexadecimal host as the IPv4 address a browser opens',
      '⟦http://0xC0A80001/⟧',
      ['192.168.0.1'],
    ],
    ['finds an IPv6 host', '⟦http://[::1]:8080/x⟧', ['[::1]']],
    ['finds a URL without a top-level domain', '⟦http://localhost:3000/x⟧', ['localhost']],
    ['finds a URL written right after a word', 'link:⟦https://evil.com⟧', ['evil.com']],
    ['ends a URL at an emoji', '⟦https://evil.org/x⟧🔥🔥', ['evil.org']],
    // www. and bare domains
    ['finds a www. link', 'visit ⟦www.Example.org⟧!', ['www.example.org']],
    ['finds a www. link with a path', '⟦WWW.EVIL.COM/x⟧', ['www.evil.com']],
    ['finds a bare domain', 'visit ⟦example.com⟧ today', ['example.com']],
    [
      'finds a bare domain with a path under a two-level suffix',
      '⟦evil.co.uk/path⟧',
      ['evil.co.uk'],
    ],
    ['finds a bare subdomain', '⟦a.b.evil.com⟧', ['a.b.evil.com']],
    ['finds a bare domain with a port', '⟦evil.com:8080/x⟧', ['evil.com']],
    ['finds an upper-case bare domain', '⟦EVIL.COM⟧', ['evil.com']],
    ['finds a bare domain with a hyphen', '⟦my-shop.online⟧', ['my-shop.online']],
    ['decodes a percent-encoded bare domain', 'go ⟦%65vil.com⟧', ['evil.com']],
    ['decodes a percent-encoded top-level domain', 'go ⟦%65vil.c%6fm⟧', ['evil.com']],
    ['finds a bare Unicode domain', 'see ⟦bücher.de⟧', ['xn--bcher-kva.de']],
    [
      'finds a bare domain under a Unicode top-level domain',
      '⟦пример.рф⟧',
      ['xn--e1afmkfd.xn--p1ai'],
    ],
    ['finds a bare IPv4 address with a path', 'go to ⟦10.0.0.1/x⟧', ['10.0.0.1']],
    ['finds a bare IPv4 address with a port', '⟦1.2.3.4:8080⟧', ['1.2.3.4']],
    // punctuation around links
    ['leaves out a full stop', 'see ⟦example.com⟧.', ['example.com']],
    ['leaves out an ellipsis', 'see ⟦example.com/x⟧...', ['example.com']],
    ['leaves out an exclamation mark after a URL', '⟦https://example.com/a⟧!', ['example.com']],
    ['leaves out a question mark after a path', 'is it ⟦example.com/path⟧?', ['example.com']],
    [
      'leaves out a comma and a colon',
      '⟦example.com⟧, ⟦https://evil.com/x⟧: hi',
      ['example.com', 'evil.com'],
    ],
    ['leaves out brackets around a URL', '(⟦https://example.com/x⟧)', ['example.com']],
    [
      'keeps brackets that the URL opened',
      '(⟦https://en.wikipedia.org/wiki/Foo_(bar)⟧)',
      ['en.wikipedia.org'],
    ],
    ['leaves out square brackets around a domain', '[⟦x.com⟧]', ['x.com']],
    ['leaves out angle brackets around a URL', '<⟦https://example.com/x⟧>', ['example.com']],
    [
      'leaves out quotes around a domain',
      '"⟦example.com⟧" and \'⟦evil.org⟧\'',
      ['example.com', 'evil.org'],
    ],
    // several links and indices
    [
      'finds several links, each with its own span',
      'a ⟦example.com⟧ b ⟦https://evil.org/x⟧ c ⟦www.test.net⟧',
      ['example.com', 'evil.org', 'www.test.net'],
    ],
    [
      'counts UTF-16 units after emoji and surrogate pairs',
      '😀👍🏽⟦example.com⟧ 𝒳 ⟦https://evil.org⟧🚩',
      ['example.com', 'evil.org'],
    ],
  ])('%s', (_, source, hosts) => {
    const [text, expected] = marked(source, hosts);
    expect(findLinks(text)).toEqual(expected);
  });

  it.each([
    ['an abbreviation', 'see e.g. the slides, i.e. page 4'],
    ['a file name with an extension that is no top-level domain', 'open file.txt or notes.docx'],
    ['a library name', 'built with node.js'],
    ['a version number', 'v1.2 and v1.2.3 and 2.0'],
    ['a decimal', 'it is 3.5x faster'],
    ['a bare dotted quad without a path or port', 'release 1.2.3.4'],
    ['initials', 'U.S.A. and J.R.R. Tolkien'],
    ['an ellipsis between words', 'wait...what'],
    ['www followed by an ellipsis', 'www... who knows'],
    ['a host name without a dot and without a scheme', 'localhost:3000'],
    ['an e-mail address', 'mail bob@example.com or bob.smith@example.com'],
    ['an e-mail address whose local part reads as a domain', 'mail max.de@example.com'],
    ['a percent-encoded file name', 'open file.t%78t'],
    ['a scheme without a host', 'type http:// then'],
    ['a bare word', 'example'],
    [
      'a long message without links',
      'Great talk, v2.3 at 12:30 in room 4, 3.5x faster, e.g. now. '.repeat(100),
    ],
  ])('finds nothing in %s', (_, text) => {
    expect(findLinks(text)).toEqual([]);
  });
});

describe('hostMatchesDomain', () => {
  it.each<[host: string, domain: string, expected: boolean]>([
    ['evil.com', 'evil.com', true],
    ['a.b.evil.com', 'evil.com', true],
    ['notevil.com', 'evil.com', false],
    ['evil.com.attacker.net', 'evil.com', false],
    ['evil.co', 'evil.com', false],
    ['com', 'evil.com', false],
    ['EVIL.COM', 'evil.com', true],
    ['shop.evil.com', 'Evil.COM', true],
    ['a.evil.com', '*.evil.com', true],
    ['evil.com', '*.evil.com', true],
    ['a.evil.com', '.evil.com', true],
    ['notevil.com', '*.evil.com', false],
    ['evil.com.', 'evil.com', true],
    ['evil.com', 'evil.com.', true],
    ['xn--bcher-kva.de', 'bücher.de', true],
    ['shop.xn--bcher-kva.de', '*.bücher.de', true],
    ['1.2.3.4', '1.2.3.4', true],
    ['1.2.3.4', '2.3.4', false],
    ['evil.com', '', false],
    ['evil.com', '*.', false],
    ['', 'evil.com', false],
  ])('answers %j in %j: %s', (host, domain, expected) => {
    expect(hostMatchesDomain(host, domain)).toBe(expected);
  });
});
