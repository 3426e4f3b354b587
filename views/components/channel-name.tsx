import { channelDisplayName, channelNameHidesId } from '../../src/channels/channel-name.ts';
import { UserText } from './user-text.tsx';

/**
 * A channel as people know it (channelDisplayName: the one naming rule), the whole id in the
 * tooltip when the name hides it.
 */
export function ChannelName(props: { label: string | null; externalId: string }) {
  const name = <UserText text={channelDisplayName(props)} />;
  if (!channelNameHidesId(props) || (props.label?.trim() ?? '') !== '') return name;
  return (
    <span class="channel-id" title={props.externalId}>
      {name}
    </span>
  );
}
