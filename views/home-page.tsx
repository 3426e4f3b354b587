import { Layout } from './layout.tsx';

/** What an organiser sees on opening the server before the dashboard exists. */
export function HomePage(props: { publicUrl: string }) {
  return (
    <Layout title="Running">
      <h1>modhook is running</h1>
      <p>
        This server receives signed chat webhooks at{' '}
        <code>{`${props.publicUrl}/hooks/<source id>`}</code>.
      </p>
      <p>
        Register a chat room with{' '}
        <code>npx modhook source add --kind eventyay --name "Main hall"</code>, then paste the
        printed URL and secret into the room's chat webhook settings.
      </p>
      <p>
        Health check: <a href="/healthz">/healthz</a>
      </p>
    </Layout>
  );
}
