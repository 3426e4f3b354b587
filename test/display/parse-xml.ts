/** An element of a parsed XML document: name, attributes, children, and its text decoded. */
export type XmlElement = {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = '[A-Za-z_][\\w.-]*';
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decode(text: string, at: number): string {
  if (text.includes('<')) throw new Error(`raw < in text at ${at}`);
  return text.replace(/&([^;]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated entity at ${at}`);
    if (name in ENTITIES) return ENTITIES[name]!;
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (num)
      return String.fromCodePoint(
        Number(name.startsWith('#x') ? `0${name.slice(1)}` : name.slice(1)),
      );
    throw new Error(`unknown entity &${name}; at ${at}`);
  });
}

/**
 * A strict parser for the XML this project writes (no DTD, no CDATA, no comments): throws on
 * anything not well-formed (unbalanced tags, raw `<` or `&`, forbidden characters), so a test
 * can tell that a feed reader would accept the document.
 */
export function parseXml(xml: string): XmlElement {
  if (NOT_XML_CHAR.test(xml)) throw new Error('a character XML forbids');
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  let at = 0;
  const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"<]*")*)\\s*(/?)>`);
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    stack.at(-1)!.text += decode(text, at);
    if (lt === -1) break;
    rest = rest.slice(lt);
    at += lt;
    const m = tag.exec(rest);
    if (!m) throw new Error(`malformed tag at ${at}: ${rest.slice(0, 40)}`);
    const [whole, closing, name, attrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${at}`);
    } else {
      const attributes: Record<string, string> = {};
      for (const a of attrs!.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
        attributes[a[1]!] = decode(a[2]!, at);
      }
      const element = { name: name!, attributes, children: [], text: '' };
      stack.at(-1)!.children.push(element);
      if (!selfClosing) stack.push(element);
    }
    rest = rest.slice(whole!.length);
    at += whole!.length;
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim() !== '') throw new Error('not one root element');
  return elements[0]!;
}

/** Every descendant element named `name`, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
