/**
 * Who did something, as people read it: an account by its name ("dave", not the stored actor
 * "account:dave"); `system`, `cli` and other actors as they are.
 */
export function actorName(actor: string): string {
  return actor.startsWith('account:') ? actor.slice('account:'.length) : actor;
}
