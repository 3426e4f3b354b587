/** ISO 639-2/3 codes a sender may send (three-letter:two-letter), for the languages eld knows. */
const ISO_639_1_OF = new Map(
  (
    'ara:ar ben:bn bul:bg cat:ca ces:cs cze:cs dan:da deu:de ger:de ell:el gre:el eng:en ' +
    'est:et fas:fa per:fa fin:fi fra:fr fre:fr hin:hi hrv:hr hun:hu ind:id ita:it jpn:ja ' +
    'kor:ko lit:lt lav:lv nld:nl dut:nl nor:no nob:no pol:pl por:pt ron:ro rum:ro rus:ru ' +
    'slk:sk slo:sk slv:sl spa:es srp:sr swe:sv tha:th tur:tr ukr:uk vie:vi zho:zh chi:zh ' +
    'heb:he msa:ms may:ms tgl:tl swa:sw kat:ka geo:ka hye:hy arm:hy isl:is ice:is sqi:sq ' +
    'alb:sq mkd:mk mac:mk eus:eu baq:eu glg:gl urd:ur tam:ta tel:te mar:mr guj:gu pan:pa '
  )
    .trim()
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]),
);

/**
 * A sender's language tag (Eventyay user_language: `en`, `pt-br`, `de_DE`; or a three-letter
 * code) as an ISO 639-1 code; null when it is none of those.
 */
export function toIso6391(tag: string | null | undefined): string | null {
  if (typeof tag !== 'string') return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0]!;
  if (/^[a-z]{2}$/.test(primary)) return primary;
  if (/^[a-z]{3}$/.test(primary)) return ISO_639_1_OF.get(primary) ?? null;
  return null;
}
