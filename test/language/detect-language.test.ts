import { describe, expect, it } from 'vitest';
import {
  detectLanguages,
  languageDetectionSettled,
  MAX_DETECT_CHARS,
  NO_LANGUAGE,
} from '../../src/language/detect-language.ts';
import { toIso6391 } from '../../src/language/language-tags.ts';
import { premodHarness } from '../premod/premod-harness.ts';

const detectLanguage = async (text: string) => (await detectLanguages([text]))[0];

describe('detectLanguage', () => {
  it.each([
    ['en', 'Could you share the slides afterwards?'],
    ['en', 'Is the livestream lagging for anyone else?'],
    ['de', 'Wo finde ich die Folien?'],
    ['de', 'Kann man die Aufzeichnung später noch ansehen?'],
    ['fr', 'Est-ce que la session sera enregistrée ?'],
    ['fr', 'Merci beaucoup pour la présentation !'],
    ['es', '¿Dónde están las diapositivas?'],
    ['es', '¿Se puede ver la grabación más tarde?'],
  ])('tells %s in %j', async (language, text) => {
    expect(await detectLanguage(text)).toBe(language);
  });

  it.each([
    ['ru', 'Привет всем, когда начнётся доклад?'],
    ['ja', 'こんにちは'],
    ['en', 'hellooooo everyone, how are youuuu'],
    ['en', 'h̸̡̢e̵͉̓l̶l̴o̷ ̶w̸o̸r̵l̸d̵'],
  ])('tells %s in %j (stretched letters and zalgo read plainly)', async (language, text) => {
    expect(await detectLanguage(text)).toBe(language);
  });

  it.each(['ok', 'hello', 'hellooooo', 'hahahaha', 'Danke', 'lmao same', 'Z̷̢a̴l̵g̶o̷'])(
    'does not guess from the short or odd %j',
    async (text) => {
      expect(await detectLanguage(text)).toBeNull();
    },
  );

  it.each(['👍👍', '1234', '', '?!', '???', 'https://x.io/1'.replace(/[a-z]/g, '')])(
    'finds no language in %j, which has no letters',
    async (text) => {
      expect(await detectLanguage(text)).toBe(NO_LANGUAGE);
    },
  );

  it('looks at the start of a long text only', async () => {
    const text = 'Wo finde ich die Folien von heute Morgen? '.repeat(20) + 'the '.repeat(2000);
    expect(text.length).toBeGreaterThan(MAX_DETECT_CHARS * 10);
    expect(await detectLanguage(text)).toBe('de');
  });
});

describe('toIso6391', () => {
  it.each([
    ['en', 'en'],
    ['pt-br', 'pt'],
    ['de_DE', 'de'],
    ['ZH-Hans', 'zh'],
    ['deu', 'de'],
    ['fra', 'fr'],
    ['xyz', null],
    ['', null],
    ['english', null],
    [null, null],
  ])('reads %j as %j', (tag, code) => {
    expect(toIso6391(tag)).toBe(code);
  });
});

describe('at ingest', () => {
  it.each([
    ['Could you share the slides afterwards?', 'de', 'en'],
    ['Kann man die Aufzeichnung später noch ansehen?', 'en', 'de'],
    ['Est-ce que la session sera enregistrée ?', 'en', 'fr'],
    ['¿Se puede ver la grabación más tarde?', 'en', 'es'],
    ['ok', 'de', 'de'],
    ['ok', null, null],
    ['hellooooo', null, null],
    ['hellooooo', 'de', 'de'],
    ['???', 'de', null],
    ['👍👍', 'fr', null],
  ])('stores the language of %j (user_language %j) as %j', async (text, userLanguage, stored) => {
    const h = premodHarness();
    const id = await h.post(text, { language: userLanguage });
    await languageDetectionSettled(h.db);
    expect(h.message(id).language).toBe(stored);
  });

  it('has the next message write the languages detected meanwhile', async () => {
    const h = premodHarness();
    const german = await h.post('Kann man die Aufzeichnung später noch ansehen?', {
      language: 'en',
    });
    await new Promise((resolve) => setTimeout(resolve, 60)); // the queue sends its batch (50 ms)
    await detectLanguages(['x']); // answered after that batch: its languages are ready
    await h.post('next', { language: 'en' }); // its transaction writes them (or the timer did)
    expect(h.message(german).language).toBe('de');
  });

  it("falls back to the language the sender's earlier messages carried", async () => {
    const h = premodHarness();
    await h.post('hello', { sender: 'same-sender', language: 'fr' });
    const id = await h.post('ok', { sender: 'same-sender', language: null });
    await languageDetectionSettled(h.db);
    expect(h.message(id).language).toBe('fr');
  });
});
