import { CsrfField } from './csrf-field.tsx';

export const SIMILAR_ACTIONS = [
  {
    action: 'reject-similar',
    label: 'Reject similar',
    key: 's',
    confirm:
      'Reject this message and every pending message of its channel that reads like it (a few edits apart)?',
  },
  {
    action: 'block-similar',
    // A pattern of text, never the sender ("Block sender" is on the item view).
    label: 'Block look-alikes',
    key: 'b',
    confirm:
      'Reject this message and every pending look-alike, and keep rejecting look-alikes in this channel as they arrive?',
  },
] as const;

export type SimilarAction = (typeof SIMILAR_ACTIONS)[number]['action'];

/**
 * "Reject similar" and "Block similar" for a pending message. With JavaScript, htmx asks to
 * confirm and sends `confirmed`; without it, the server answers with a page that asks
 * (src/http/review-routes.tsx). `back` (the item view) makes the answer a redirect there.
 */
export function SimilarActions(props: {
  messageId: number;
  csrfToken: string;
  target: string;
  swap?: string;
  back?: string;
}) {
  return (
    <div class="similar-actions">
      {SIMILAR_ACTIONS.map((a) => {
        const action = `/messages/${props.messageId}/${a.action}`;
        return (
          <form
            class={`similar ${a.action}`}
            method="post"
            action={action}
            hx-post={action}
            hx-target={props.target}
            hx-swap={props.swap ?? 'outerHTML'}
            hx-confirm={a.confirm}
            hx-vals={JSON.stringify({ confirmed: '1' })}
          >
            <CsrfField token={props.csrfToken} />
            {props.back === undefined ? null : (
              <input type="hidden" name="back" value={props.back} />
            )}
            <button type="submit" class={`similar ${a.action}`} data-key={a.key}>
              {a.label} <kbd>{a.key}</kbd>
            </button>
          </form>
        );
      })}
    </div>
  );
}
