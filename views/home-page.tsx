import type { AccountView } from '../src/auth/account-fields.ts';

/** The signed-in start page, until the review queue takes its place. */
export function HomePage(props: { account: AccountView; publicUrl: string }) {
  return (
    <section>
      <h1>Queue arrives soon</h1>
      <p>
        Welcome, <strong>{props.account.username}</strong>. You are signed in as{' '}
        {props.account.role}. The review queue of flagged messages will appear on this page.
      </p>
      <p>
        This server receives signed chat webhooks at{' '}
        <code>{`${props.publicUrl}/hooks/<source id>`}</code>. Register a chat room with{' '}
        <code>npx modhook source add --kind eventyay --name "Main hall"</code>, then paste the
        printed URL and secret into the room's chat webhook settings.
      </p>
      <p>
        Health check: <a href="/healthz">/healthz</a>
      </p>
    </section>
  );
}
