-- Default rules of a fresh database (issue: automatic flagging). No word lists: none is
-- right for every language. Written by hand as a drizzle-kit custom migration; the settings
-- are validated against src/rules/rule-kinds.ts by test/rules/default-rules.test.ts.
INSERT INTO `rules` (`kind`, `name`, `severity`, `action`, `settings_json`, `scope_json`, `enabled`, `version`, `created_at`, `updated_at`) VALUES
  ('personal_data', 'Personal data', 'medium', 'flag', '{"kinds":["email","phone","card","iban"]}', '{"sources":[],"channels":[]}', 1, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('flood', 'Flood', 'medium', 'flag', '{"messages":5,"seconds":10}', '{"sources":[],"channels":[]}', 1, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('repetition', 'Repetition', 'low', 'flag', '{"times":3,"seconds":60,"maxDistance":2,"across":"sender","minLength":4}', '{"sources":[],"channels":[]}', 1, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('reaction_flood', 'Reaction flood', 'low', 'flag', '{"reactions":20,"seconds":10}', '{"sources":[],"channels":[]}', 1, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('reaction_signal', 'Flagged by reactions', 'medium', 'flag', '{"emoji":["🚩"],"users":3}', '{"sources":[],"channels":[]}', 1, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('repetition', 'Coordinated spam', 'medium', 'flag', '{"times":5,"seconds":60,"maxDistance":2,"across":"channel","minLength":20}', '{"sources":[],"channels":[]}', 0, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('new_sender', 'Links from new senders', 'medium', 'flag', '{"minutes":10,"check":{"kind":"link","settings":{"mode":"any","domains":[]}}}', '{"sources":[],"channels":[]}', 0, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000),
  ('shouting', 'Shouting', 'low', 'log', '{"minLetters":12,"share":0.7}', '{"sources":[],"channels":[]}', 0, 1, CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000);
--> statement-breakpoint
INSERT INTO `rule_versions` (`rule_id`, `version`, `kind`, `name`, `severity`, `action`, `settings_json`, `scope_json`, `enabled`, `created_at`, `actor`)
  SELECT `id`, `version`, `kind`, `name`, `severity`, `action`, `settings_json`, `scope_json`, `enabled`, `created_at`, 'system' FROM `rules`;
