/**
 * A value to paste elsewhere, in a read-only field the admin can select, and a copy button that
 * views/assets/sources.js shows and runs (without JavaScript the button stays hidden).
 */
export function CopyField(props: { id: string; label: string; value: string }) {
  return (
    <div class="copy-field">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} class="copy-value" readonly value={props.value} spellcheck={false} />
      <button type="button" class="copy-button" data-copy={props.id}>
        Copy
      </button>
    </div>
  );
}

/** True when this URL can only be reached from this machine, never by a chat platform. */
function isLocal(publicUrl: string): boolean {
  const host = new URL(publicUrl).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** What to do on the sender's side with the URL and secret (docs/protocols.md for Eventyay). */
export function SetupSteps(props: { kind: string; publicUrl: string }) {
  return (
    <div class="setup-steps">
      <h3>Next steps</h3>
      {isLocal(props.publicUrl) ? (
        <p class="warning">
          This URL points at this machine ({props.publicUrl}), so a chat platform cannot reach it.
          Start modhook with <code>PUBLIC_URL=https://your.host</code> behind a TLS proxy; the URL
          is then the same with that address.
        </p>
      ) : null}
      {props.kind === 'eventyay' ? (
        <ol>
          <li>In Eventyay, open the room's configuration and find its chat webhook settings.</li>
          <li>
            Paste the webhook URL into <strong>webhook URL</strong> and the secret into{' '}
            <strong>webhook HMAC secret</strong>. Eventyay sends nothing unless both are set.
          </li>
          <li>
            Save. Eventyay first checks the URL once with <code>GET …?challenge=…</code>; modhook
            answers by itself, and Eventyay saves the settings only if that check passes. A failed
            save means Eventyay could not reach this URL, or the source is disabled.
          </li>
          <li>
            Write a chat message in the room: it appears in this source's deliveries as{' '}
            <em>accepted</em> within seconds. A <em>bad signature</em> there means the secret in
            Eventyay is not this one. “Send test delivery” on the source's page checks modhook's
            side without Eventyay.
          </li>
        </ol>
      ) : (
        <p>{OTHER_KINDS[props.kind] ?? 'Configure the sender with this URL and secret.'}</p>
      )}
    </div>
  );
}

const OTHER_KINDS: Record<string, string> = {
  stream:
    "In the Stream dashboard, set the app's webhook URL to this URL and the before-message-send hook URL to this URL + /before-send. Stream signs with the API secret given here.",
  barertc:
    'In BareRTC\'s settings.toml, add WebHookURLs entries for "report" and "profile" with this URL, and set AdminAPIKey to the secret.',
  hmac: 'Configure the sender to sign each body with this secret as the settings describe.',
  'standard-webhooks': 'Give the sender this endpoint URL and this whsec_ signing secret.',
};
