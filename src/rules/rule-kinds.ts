import { z } from 'zod';
import { keywordListProblem } from './keyword-finder.ts';
import { linearPatternProblem, repetitionCost } from './linear-regex.ts';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

/**
 * `flag`: the message goes to the queue; `log`: recorded only, to trial a rule. For senders that
 * ask before delivering (Stream before-message-send), `scrub` rewrites the matched text to a mask
 * and `block` rejects the message; both act only there, and flag like `flag` everywhere else.
 */
export const RULE_ACTIONS = ['flag', 'log', 'scrub', 'block'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

const PERSONAL_DATA_KINDS = ['email', 'phone', 'card', 'iban'] as const;

const word = z.string().trim().min(1, 'must not be empty').max(100);
const count = (max: number) => z.number().int().min(1).max(max);

/** Patterns longer than this are refused; matching also stops looking past MAX_REGEX_INPUT. */
export const MAX_REGEX_LENGTH = 300;
export const MAX_REGEX_PATTERNS = 20;
/** A regex rule's counted repetitions may expand its patterns by this much in all (see
 * repetitionCost): the worst case measured stays around 0.1 s on a message instead of seconds. */
export const MAX_REPETITION_COST = 300;

/** A pattern RE2 can run: its cost is linear in the text, so no pattern needs a safety guess. */
const LinearPattern = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_REGEX_LENGTH, `must be at most ${MAX_REGEX_LENGTH} characters`)
  .superRefine((pattern, ctx) => {
    const problem = linearPatternProblem(pattern);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

export const KeywordSettings = z
  .strictObject({
    /** `*` inside a word matches any letters: `sp*m`. */
    words: z.array(word).min(1).max(1000),
    match: z.enum(['word', 'prefix', 'anywhere']).default('word'),
    /** Whole words that never count, e.g. `class` for a keyword `ass` matched anywhere. */
    allow: z.array(word).max(1000).default([]),
    leet: z.boolean().default(false),
  })
  .superRefine((settings, ctx) => {
    const problem = keywordListProblem(settings);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: ['words'] });
  });

export const RegexSettings = z
  .strictObject({
    patterns: z.array(LinearPattern).min(1).max(MAX_REGEX_PATTERNS),
    caseSensitive: z.boolean().default(false),
    /** `normalized` sees through homoglyphs and invisible characters; `original` is the raw text. */
    on: z.enum(['normalized', 'original']).default('normalized'),
  })
  .superRefine((settings, ctx) => {
    const cost = settings.patterns.reduce((sum, p) => sum + repetitionCost(p), 0);
    if (cost > MAX_REPETITION_COST) {
      ctx.addIssue({
        code: 'custom',
        path: ['patterns'],
        message: `repeat too much: counted repetitions such as {1,100} expand these patterns to ${cost} repeated parts (nested counts multiply), at most ${MAX_REPETITION_COST} in one rule since each costs time on every message; use smaller counts, or + and *`,
      });
    }
  });

export const PersonalDataSettings = z.strictObject({
  kinds: z
    .array(z.enum(PERSONAL_DATA_KINDS))
    .min(1)
    .default([...PERSONAL_DATA_KINDS]),
});

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\.|\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as example.com');

export const LinkSettings = z
  .strictObject({
    /** any: every link; block: links to these domains; allow: links to any other domain. */
    mode: z.enum(['any', 'block', 'allow']).default('any'),
    domains: z.array(Domain).max(1000).default([]),
  })
  .refine((s) => s.mode === 'any' || s.domains.length > 0, {
    message: 'block and allow need at least one domain',
    path: ['domains'],
  });

export const ShoutingSettings = z.strictObject({
  minLetters: count(1000).default(12),
  share: z.number().gt(0).max(1).default(0.7),
});

export const FloodSettings = z.strictObject({
  /** More than this many messages by one sender within `seconds` is a flood. */
  messages: count(1000),
  seconds: count(86_400),
});

export const RepetitionSettings = z.strictObject({
  /** The same (or near) text posted this many times within `seconds`. */
  times: z.number().int().min(2).max(100),
  seconds: count(86_400),
  /** Edit distance after normalization within which two texts count as the same. */
  maxDistance: z.number().int().min(0).max(10).default(0),
  /** `sender`: one sender repeating; `channel`/`source`: several senders (coordinated spam). */
  across: z.enum(['sender', 'channel', 'source']).default('sender'),
  /** Shorter texts ("hi", "+1") never count. */
  minLength: z.number().int().min(1).max(1000).default(4),
});

export const ReactionSignalSettings = z.strictObject({
  emoji: z.array(z.string().min(1).max(100)).min(1).max(50),
  /** Distinct users who must have added one of the emoji. */
  users: count(10_000),
});

export const ReactionFloodSettings = z.strictObject({
  /** More than this many reactions by one user within `seconds` is a flood. */
  reactions: count(10_000),
  seconds: count(86_400),
});

/** The kinds that look at one text alone; a new-sender rule wraps one of them. */
export const TEXT_KINDS = {
  keyword: KeywordSettings,
  regex: RegexSettings,
  personal_data: PersonalDataSettings,
  link: LinkSettings,
  shouting: ShoutingSettings,
} as const;
export type TextKind = keyof typeof TEXT_KINDS;

export const TextCheck = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('keyword'), settings: KeywordSettings }),
  z.strictObject({ kind: z.literal('regex'), settings: RegexSettings }),
  z.strictObject({ kind: z.literal('personal_data'), settings: PersonalDataSettings }),
  z.strictObject({ kind: z.literal('link'), settings: LinkSettings }),
  z.strictObject({ kind: z.literal('shouting'), settings: ShoutingSettings }),
]);
export type TextCheck = z.output<typeof TextCheck>;

export const NewSenderSettings = z.strictObject({
  /** The check applies while the sender was first seen less than this many minutes ago. */
  minutes: count(7 * 24 * 60),
  check: TextCheck,
});

export const RULE_KINDS = {
  ...TEXT_KINDS,
  flood: FloodSettings,
  repetition: RepetitionSettings,
  new_sender: NewSenderSettings,
  reaction_signal: ReactionSignalSettings,
  reaction_flood: ReactionFloodSettings,
} as const;
export type RuleKind = keyof typeof RULE_KINDS;
export const RULE_KIND_NAMES = Object.keys(RULE_KINDS) as RuleKind[];

/** Whether a typed name is a rule kind: own keys only, never `constructor` or `__proto__`. */
export const isRuleKind = (kind: string): kind is RuleKind => Object.hasOwn(RULE_KINDS, kind);

export type RuleSettings<K extends RuleKind> = z.output<(typeof RULE_KINDS)[K]>;

export const RuleScope = z.strictObject({
  sources: z.array(z.string().min(1)).max(1000).default([]),
  channels: z.array(z.string().min(1)).max(1000).default([]),
});
export type RuleScope = z.output<typeof RuleScope>;

/** A rule's whole definition, as stored in one version. */
export type RuleDefinition = {
  [K in RuleKind]: {
    kind: K;
    name: string;
    severity: Severity;
    action: RuleAction;
    settings: RuleSettings<K>;
    scope: RuleScope;
    enabled: boolean;
  };
}[RuleKind];

export const RuleDraft = z.object({
  kind: z.enum(RULE_KIND_NAMES as [RuleKind, ...RuleKind[]], {
    error: `must be one of: ${RULE_KIND_NAMES.join(', ')}`,
  }),
  name: z.string().trim().min(1, 'must not be empty').max(100),
  severity: z.enum(SEVERITIES).default('medium'),
  action: z.enum(RULE_ACTIONS).default('flag'),
  settings: z.unknown(),
  scope: RuleScope.default({ sources: [], channels: [] }),
  enabled: z.boolean().default(true),
});
export type RuleDraft = z.input<typeof RuleDraft>;

export type DraftProblem = { field: string; message: string };

/**
 * Validates a draft rule, its settings by its kind's schema. Returns the definition with
 * defaults filled in, or the first problem with the field it concerns (e.g. `settings.words`).
 */
export function parseRuleDraft(
  draft: unknown,
): { ok: true; rule: RuleDefinition } | ({ ok: false } & DraftProblem) {
  const base = RuleDraft.safeParse(draft);
  if (!base.success) return problem(base.error.issues[0]);
  const settings = RULE_KINDS[base.data.kind].safeParse(base.data.settings ?? {});
  if (!settings.success) return problem(settings.error.issues[0], 'settings');
  return { ok: true, rule: { ...base.data, settings: settings.data } as RuleDefinition };
}

function problem(issue: z.core.$ZodIssue | undefined, prefix?: string) {
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((p) => p !== undefined);
  const field = path.join('.');
  const message = issue?.message ?? 'invalid rule';
  return { ok: false as const, field, message: field === '' ? message : `${field}: ${message}` };
}
