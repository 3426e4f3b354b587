import { UserText } from './user-text.tsx';

/**
 * A channel as people know it: its label, else a short form of the sender's id (a UUID says
 * nothing to a moderator), the whole id in the tooltip.
 */
export function ChannelName(props: { label: string | null; externalId: string }) {
  if (props.label !== null && props.label !== '') return <UserText text={props.label} />;
  const id = props.externalId;
  const short = Array.from(id).length > 12 ? `${Array.from(id).slice(0, 8).join('')}…` : id;
  return (
    <span class="channel-id" title={id}>
      channel <UserText text={short} />
    </span>
  );
}
