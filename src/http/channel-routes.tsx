import { Hono, type Context } from 'hono';
import { accountActor, ROLES } from '../auth/account-fields.ts';
import { channelDisplayName } from '../channels/channel-name.ts';
import { findChannel, listChannels } from '../channels/list-channels.ts';
import { ChannelChanges, setChannelSettings } from '../channels/set-channel-settings.ts';
import { DomainError } from '../errors.ts';
import { liftBlockedPattern } from '../premod/lift-blocked-pattern.ts';
import { listBlockedPatterns } from '../premod/list-blocked-patterns.ts';
import { notice } from '../../views/components/notice.tsx';
import {
  ChannelPageView,
  ChannelHeading,
  ChannelSettingsForm,
  ChannelsPageView,
  type ChannelFormValues,
} from '../../views/channels-page.tsx';
import type { AppEnv } from './app-env.ts';
import { idParam } from './query-params.ts';
import { textField } from './form-fields.ts';
import { doneNotice, isHtmx, withDone } from './request-info.ts';
import { requireRole } from './require-role.ts';

const channelIdOf = (c: Context<AppEnv>) => idParam(c, 'channel');

/** A whole number from a form field, or NaN (which the schema reports at its field). */
const wholeNumber = (value: string) => (/^\s*\d{1,6}\s*$/.test(value) ? Number(value) : NaN);

/** The form as the settings schema's input; unchecked boxes are absent from a form. */
function readForm(form: Record<string, unknown>): ChannelFormValues {
  return {
    label: textField(form, 'label'),
    mode: textField(form, 'mode') as ChannelFormValues['mode'],
    approveTrusted: textField(form, 'approveTrusted') === 'on',
    rejectBlocked: textField(form, 'rejectBlocked') === 'on',
    similarDistance: wholeNumber(textField(form, 'similarDistance')),
    emojiRepeatSeconds: wholeNumber(textField(form, 'emojiRepeatSeconds')),
    screenNames: textField(form, 'screenNames') as ChannelFormValues['screenNames'],
  };
}

/** Every field's first problem, for showing them all at once beside their fields. */
function fieldErrors(values: ChannelFormValues): Record<string, string> {
  const parsed = ChannelChanges.safeParse(values);
  if (parsed.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return errors;
}

/** Channels and their moderation settings: everyone signed in reads, admins change. */
export const channelRoutes = new Hono<AppEnv>()
  .get('/channels', requireRole(...ROLES), (c) =>
    c.render(<ChannelsPageView channels={listChannels(c.var.deps.db)} />, { title: 'Channels' }),
  )
  .get('/channels/:id', requireRole(...ROLES), (c) => {
    const channel = findChannel(c.var.deps.db, channelIdOf(c));
    if (channel === undefined) throw new DomainError('not_found', 'no such channel');
    const done = doneNotice(c);
    return c.render(
      <ChannelPageView
        channel={channel}
        csrfToken={c.var.csrfToken}
        canEdit={c.var.session!.account.role === 'admin'}
        {...(done ? { notice: done } : {})}
        patterns={listBlockedPatterns(c.var.deps.db, channel.id)}
        canLift={c.var.session!.account.role !== 'auditor'}
      />,
      { title: channelDisplayName(channel) },
    );
  })
  .post(
    '/channels/:id/blocked-patterns/:patternId/lift',
    requireRole('admin', 'moderator'),
    (c) => {
      const channelId = channelIdOf(c);
      const patternId = idParam(c, 'blocked pattern', 'patternId');
      liftBlockedPattern(c.var.deps, { patternId, actor: accountActor(c.var.session!.account) });
      return c.redirect(withDone(`/channels/${channelId}`, notice('pattern-lifted')), 303);
    },
  )
  .post('/channels/:id', requireRole('admin'), async (c) => {
    const channelId = channelIdOf(c);
    const channel = findChannel(c.var.deps.db, channelId);
    if (channel === undefined) throw new DomainError('not_found', 'no such channel');
    const values = readForm(await c.req.parseBody());
    const errors = fieldErrors(values);
    if (Object.keys(errors).length === 0) {
      const actor = accountActor(c.var.session!.account);
      setChannelSettings(c.var.deps, { channelId, actor, ...values });
      if (!isHtmx(c)) {
        return c.redirect(withDone(`/channels/${channelId}`, notice('channel-saved')), 303);
      }
    }
    const ok = Object.keys(errors).length === 0;
    const form = (
      <ChannelSettingsForm
        channel={ok ? findChannel(c.var.deps.db, channelId)! : channel}
        values={ok ? undefined : values}
        errors={errors}
        csrfToken={c.var.csrfToken}
        canEdit
        saved={ok}
      />
    );
    if (isHtmx(c)) {
      if (!ok) return c.html(form, 422);
      // A new label renames the page: its heading comes along out of band.
      const saved = findChannel(c.var.deps.db, channelId)!;
      return c.html(
        <>
          {form}
          <ChannelHeading channel={saved} oob />
        </>,
      );
    }
    c.status(422);
    return c.render(
      <ChannelPageView
        channel={channel}
        csrfToken={c.var.csrfToken}
        canEdit
        form={form}
        patterns={listBlockedPatterns(c.var.deps.db, channel.id)}
        canLift
      />,
      { title: channelDisplayName(channel) },
    );
  });
