/**
 * What people call a channel: the label an admin gave it; else the sender's id when it reads as
 * a name (BareRTC's "lobby", a Stream channel id such as "general"); else, for an opaque id
 * (Eventyay sends a UUID, docs/protocols.md), "Channel " and its first eight characters. None
 * of the senders modhook takes sends a channel name besides its id. The one rule for every
 * page, export and message that names a channel; the full id stays where an admin needs it.
 */
export function channelDisplayName(channel: { label: string | null; externalId: string }): string {
  const label = channel.label?.trim();
  if (label) return label;
  const id = channel.externalId;
  return OPAQUE_ID.test(id) ? `Channel ${id.slice(0, 8)}` : id;
}

/** A UUID, or a long run of hex digits: an id no one reads as a name. */
const OPAQUE_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,})$/i;

/** Whether channelDisplayName hides the id, so a page shows the full id beside the name. */
export function channelNameHidesId(channel: { label: string | null; externalId: string }): boolean {
  return channelDisplayName(channel) !== channel.externalId;
}
