import { CsrfField } from './csrf-field.tsx';

const VERDICT_BUTTONS = [
  { verdict: 'approve', label: 'Approve', key: 'a' },
  { verdict: 'highlight', label: 'Highlight', key: 'h' },
  { verdict: 'reject', label: 'Reject', key: 'r' },
] as const;

/**
 * Approve / highlight / reject with an optional note. Sends the decision the moderator saw as
 * `basis`, so a concurrent, more restrictive decision is not overridden. The answer goes into
 * `target` (the notice area) with `swap`; without JavaScript the form posts and redirects.
 * Enter in the note never decides: the form's default button (the first) is disabled, and a
 * form whose default button is disabled is not submitted by Enter (HTML implicit submission).
 */
export function DecisionForm(props: {
  messageId: number;
  basis: number | null;
  csrfToken: string;
  target: string;
  swap?: string;
  next?: string;
  /** The note field shows only once asked for (n), to keep queue rows short. */
  noteHidden?: boolean;
}) {
  const action = `/messages/${props.messageId}/decision`;
  return (
    <form
      class="decide"
      method="post"
      action={action}
      hx-post={action}
      hx-target={props.target}
      hx-swap={props.swap ?? 'outerHTML'}
    >
      <button type="submit" class="no-implicit-submit" disabled hidden aria-hidden="true" />
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="basis" value={props.basis === null ? '' : String(props.basis)} />
      {props.next === undefined ? null : <input type="hidden" name="next" value={props.next} />}
      <input
        type="text"
        name="note"
        class="note"
        maxlength={2000}
        placeholder="Note (optional, n)"
        aria-label="Note"
        hidden={props.noteHidden}
      />
      {VERDICT_BUTTONS.map((b) => (
        <button
          type="submit"
          name="verdict"
          value={b.verdict}
          class={`verdict ${b.verdict}`}
          data-key={b.key}
        >
          {b.label} <kbd>{b.key}</kbd>
        </button>
      ))}
    </form>
  );
}
