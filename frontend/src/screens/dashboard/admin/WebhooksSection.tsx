import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CombinedError } from 'urql';
import { useMutation } from 'urql';
import { useApi } from '../../../api/context';
import { describeError } from '../../../api/errors';
import {
  CreateWebhookMutation,
  DeleteWebhookMutation,
  RedeliverWebhookEventMutation,
  RotateWebhookSecretMutation,
  SendTestWebhookEventMutation,
  UpdateWebhookMutation,
  WebhookDeliveriesQuery,
  WebhooksQuery,
} from '../../../api/operations';
import { fullTime, humanize, shortTime } from '../../../format';
import type { AdminWebhookDeliveryFragment, AdminWebhookFragment, WebhooksQuery as WebhooksData } from '../../../gql/graphql';
import { useReloadingQuery } from './useReloadingQuery';
import { formatRoute } from '../../../route';
import { Outcome, Panel } from '../parts';
import { COMMON_EVENT_TYPES, MAX_DESCRIPTION, MAX_URL, deliveryOutcome, parseEventTypes, urlProblem, webhookState } from './webhooks';

/** Deliveries shown per webhook at first, and per "Show older" page. */
const RECENT = 5;
const PAGE = 20;
/** How often the list is read again while it is on screen: deliveries move on their own. */
const REFRESH_MS = 15_000;

type Webhook = WebhooksData['webhooks'][number];
interface Log {
  nodes: AdminWebhookDeliveryFragment[];
  endCursor?: string | null;
  hasNextPage: boolean;
}

/**
 * Outbound webhooks (SPEC §12, admins): the endpoints, how each is doing, its recent deliveries
 * (with redelivery), a test event, pause and resume, secret rotation, and a form for a new one.
 * A secret is shown once, when the endpoint is created or its secret rotated.
 */
export function WebhooksSection() {
  // Deliveries move on their own: read again every REFRESH_MS as well.
  const hooks = useReloadingQuery(WebhooksQuery, { deliveries: RECENT }, { intervalMs: REFRESH_MS });
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [outcome, setOutcome] = useState('');
  const webhooks = hooks.data?.webhooks ?? [];

  const done = (message: string) => {
    setOutcome(message);
    hooks.reload();
  };

  return (
    <Panel
      title="Webhooks"
      description="Endpoints that receive the workspace’s events as signed HTTP POSTs, at least once and in order per conversation (see docs/integrations.md)."
      className="span-all"
      testId="admin-webhooks"
      actions={
        <button type="button" className="secondary small" onClick={hooks.reload}>
          Refresh
        </button>
      }
    >
      {hooks.error ? (
        <p role="alert" className="error">
          {describeError(hooks.error)}
        </p>
      ) : null}
      <Outcome text={outcome} onDismiss={() => setOutcome('')} />
      {secret ? <SecretNotice {...secret} onDone={() => setSecret(null)} /> : null}
      {!hooks.data && !hooks.error ? <p role="status">Loading…</p> : null}
      {hooks.data && webhooks.length === 0 ? <p className="muted">No webhooks yet: register an endpoint below.</p> : null}
      <ul className="webhook-list" aria-label="Webhooks">
        {webhooks.map((w) => (
          <WebhookItem
            key={w.id}
            webhook={w}
            onDone={done}
            onSecret={(s) => {
              setSecret({ url: w.url, secret: s });
              hooks.reload();
            }}
          />
        ))}
      </ul>
      <WebhookForm
        onCreated={(w, s) => {
          setSecret({ url: w.url, secret: s });
          setOutcome('');
          hooks.reload();
        }}
      />
    </Panel>
  );
}

/** The signing secret, shown this once, with a way to copy it. */
function SecretNotice({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [secret]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      input.current?.select();
    }
  };
  return (
    <div className="notice webhook-secret" role="region" aria-labelledby={`${id}-title`} data-testid="webhook-secret">
      <p id={`${id}-title`}>
        <strong>Signing secret for {url}</strong> — store it now in the receiving system: it is not shown again. Receivers check the
        Switchboard-Signature header with it.
      </p>
      <div className="webhook-secret-row">
        <label htmlFor={`${id}-secret`} className="visually-hidden">
          Signing secret
        </label>
        <input id={`${id}-secret`} ref={input} readOnly value={secret} spellCheck={false} />
        <button type="button" className="small" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="secondary small" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

interface WebhookItemProps {
  webhook: Webhook;
  onDone: (message: string) => void;
  onSecret: (secret: string) => void;
}

/** One endpoint: its state, its actions and its delivery log. */
function WebhookItem({ webhook: w, onDone, onSecret }: WebhookItemProps) {
  const id = useId();
  const api = useApi();
  const [failure, setFailure] = useState('');
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<'delete' | 'rotate' | null>(null);
  const [older, setOlder] = useState<Log | null>(null);
  const [busy, setBusy] = useState(false);
  const [, update] = useMutation(UpdateWebhookMutation);
  const [, remove] = useMutation(DeleteWebhookMutation);
  const [, rotate] = useMutation(RotateWebhookSecretMutation);
  const [, test] = useMutation(SendTestWebhookEventMutation);
  const [, redeliver] = useMutation(RedeliverWebhookEventMutation);
  const state = webhookState(w);

  const act = async (run: () => Promise<{ error?: CombinedError; data?: unknown }>, message: string) => {
    setBusy(true);
    setFailure('');
    const result = await run();
    setBusy(false);
    setConfirm(null);
    if (result.error || !result.data) {
      setFailure(describeError(result.error, 'admin'));
      return false;
    }
    onDone(message);
    return true;
  };

  const showOlder = async () => {
    const after = older ? older.endCursor : w.deliveries.endCursor;
    const result = await api.client.query(WebhookDeliveriesQuery, { id: w.id, first: PAGE, after }, { requestPolicy: 'network-only' }).toPromise();
    const page = result.data?.webhook?.deliveries;
    if (!page) {
      setFailure(describeError(result.error));
      return;
    }
    setOlder((o) => ({ nodes: [...(o?.nodes ?? []), ...page.nodes], endCursor: page.endCursor, hasNextPage: page.hasNextPage }));
  };

  const deliveries = [...w.deliveries.nodes, ...(older?.nodes ?? [])];
  const more = older ? older.hasNextPage : w.deliveries.hasNextPage;

  return (
    <li className="webhook-item" data-webhook-id={w.id} aria-labelledby={`${id}-url`}>
      <div className="webhook-head">
        <div>
          <h3 id={`${id}-url`} className="webhook-url">
            {w.url}
          </h3>
          {w.description ? <p className="muted">{w.description}</p> : null}
          <p className="small-print">
            {w.eventTypes.length ? `Receives ${w.eventTypes.join(', ')}` : 'Receives every event type'} · registered {shortTime(w.createdAt)}
          </p>
        </div>
        <span className={`badge webhook-${state.tone}`}>{state.label}</span>
      </div>
      <p className="webhook-health">{state.detail}</p>

      <div className="actions webhook-actions">
        <button
          type="button"
          className="small"
          disabled={busy || !w.active}
          title={w.active ? undefined : 'Resume it first: a paused endpoint receives nothing.'}
          onClick={() => void act(() => test({ id: w.id }), `A webhook.test event is on its way to ${w.url}.`)}
        >
          Send test event
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={busy}
          onClick={() =>
            void act(
              () => update({ id: w.id, input: { active: !w.active } }),
              w.active ? `Paused ${w.url}.` : `Resumed ${w.url}: it receives the events committed from now on.`,
            )
          }
        >
          {w.active ? 'Pause' : 'Resume'}
        </button>
        <button type="button" className="secondary small" disabled={busy} onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
          Edit…
        </button>
        <button type="button" className="secondary small" disabled={busy} onClick={() => setConfirm('rotate')}>
          Rotate secret…
        </button>
        <button type="button" className="secondary small danger" disabled={busy} onClick={() => setConfirm('delete')}>
          Delete…
        </button>
      </div>

      {confirm ? (
        <div className="webhook-confirm" role="group" aria-label={confirm === 'delete' ? 'Confirm deletion' : 'Confirm rotation'}>
          <p>
            {confirm === 'delete'
              ? 'Delete this endpoint and its delivery log? Pending deliveries are dropped.'
              : 'Give this endpoint a new secret? Attempts from now on are signed with it: update the receiver at once.'}
          </p>
          <button
            type="button"
            className={confirm === 'delete' ? 'small danger' : 'small'}
            disabled={busy}
            onClick={() =>
              void (confirm === 'delete'
                ? act(() => remove({ id: w.id }), `Deleted ${w.url}.`)
                : (async () => {
                    setBusy(true);
                    const result = await rotate({ id: w.id });
                    setBusy(false);
                    setConfirm(null);
                    if (!result.data) setFailure(describeError(result.error, 'admin'));
                    else onSecret(result.data.rotateWebhookSecret.secret);
                  })())
            }
          >
            {confirm === 'delete' ? 'Delete endpoint' : 'Rotate secret'}
          </button>
          <button type="button" className="secondary small" onClick={() => setConfirm(null)}>
            Cancel
          </button>
        </div>
      ) : null}

      <div role="alert" className={failure ? 'error' : 'error empty'}>
        {failure}
      </div>

      {editing ? (
        <WebhookForm
          webhook={w}
          onSaved={(message) => {
            setEditing(false);
            onDone(message);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : null}

      <div className="webhook-log">
        <h4>Recent deliveries</h4>
        {deliveries.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <caption className="visually-hidden">Deliveries to {w.url}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Queued</th>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((d) => (
                  <tr key={d.id} data-delivery-id={d.id}>
                    <td>
                      <time dateTime={d.createdAt} title={fullTime(d.createdAt)}>
                        {shortTime(d.createdAt)}
                      </time>
                    </td>
                    <th scope="row">
                      {d.eventType}
                      {d.conversationId ? (
                        <span className="small-print">
                          {' '}
                          · <a href={formatRoute({ view: 'desk', conversation: d.conversationId, monitor: true })}>its conversation</a>
                        </span>
                      ) : null}
                      {d.replay ? <span className="muted small-print"> · replay</span> : null}
                    </th>
                    <td>
                      <span className={`badge delivery-${d.status.toLowerCase()}`}>{humanize(d.status)}</span>
                    </td>
                    <td>{deliveryOutcome(d)}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="secondary small"
                        disabled={busy}
                        aria-label={`Redeliver ${d.eventType}`}
                        onClick={() => void act(() => redeliver({ webhookId: w.id, eventId: d.eventId }), `${d.eventType} is queued again for ${w.url}.`)}
                      >
                        Redeliver
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more ? (
          <button type="button" className="link" onClick={() => void showOlder()}>
            Show older deliveries
          </button>
        ) : null}
      </div>
    </li>
  );
}

interface WebhookFormProps {
  /** The endpoint to change; a new one when absent. */
  webhook?: AdminWebhookFragment;
  onCreated?: (webhook: AdminWebhookFragment, secret: string) => void;
  onSaved?: (message: string) => void;
  onCancel?: () => void;
}

/** Registers an endpoint, or changes one's URL, description and event types. */
function WebhookForm({ webhook, onCreated, onSaved, onCancel }: WebhookFormProps) {
  const id = useId();
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [types, setTypes] = useState(webhook?.eventTypes.join(', ') ?? '');
  const [problem, setProblem] = useState<{ field: 'url' | 'types' | 'server'; text: string } | null>(null);
  const [{ fetching: creating }, create] = useMutation(CreateWebhookMutation);
  const [{ fetching: saving }, update] = useMutation(UpdateWebhookMutation);
  const urlRef = useRef<HTMLInputElement>(null);
  const typesRef = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const badUrl = urlProblem(url);
    if (badUrl) {
      setProblem({ field: 'url', text: badUrl });
      urlRef.current?.focus();
      return;
    }
    const parsed = parseEventTypes(types);
    if (parsed.problem) {
      setProblem({ field: 'types', text: parsed.problem });
      typesRef.current?.focus();
      return;
    }
    setProblem(null);
    const input = { url: url.trim(), description: description.trim(), eventTypes: parsed.types };
    if (webhook) {
      const result = await update({ id: webhook.id, input });
      if (!result.data) {
        setProblem(serverProblem(result.error));
        return;
      }
      onSaved?.(`Saved ${input.url}.`);
      return;
    }
    const result = await create({ input });
    if (!result.data) {
      setProblem(serverProblem(result.error));
      return;
    }
    setUrl('');
    setDescription('');
    setTypes('');
    onCreated?.(result.data.createWebhook.webhook, result.data.createWebhook.secret);
  };

  const invalid = (field: 'url' | 'types') =>
    problem?.field === field ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${field}-error` } : {};

  return (
    <form className="group-form webhook-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{webhook ? 'Change the endpoint' : 'New webhook'}</h3>
      <div className="group-form-fields">
        <div className="field">
          <label htmlFor={`${id}-url`}>URL</label>
          <input
            id={`${id}-url`}
            ref={urlRef}
            type="url"
            inputMode="url"
            value={url}
            maxLength={MAX_URL}
            placeholder="https://crm.example.com/switchboard"
            onChange={(e) => setUrl(e.target.value)}
            {...invalid('url')}
          />
          {problem?.field === 'url' ? (
            <span id={`${id}-url-error`} className="field-error">
              {problem.text}
            </span>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description</label>
          <input id={`${id}-description`} value={description} maxLength={MAX_DESCRIPTION} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-types`}>Event types</label>
          <input
            id={`${id}-types`}
            ref={typesRef}
            value={types}
            list={`${id}-known`}
            placeholder="Every type"
            aria-describedby={problem?.field === 'types' ? `${id}-types-error` : `${id}-types-hint`}
            aria-invalid={problem?.field === 'types' ? true : undefined}
            onChange={(e) => setTypes(e.target.value)}
          />
          <datalist id={`${id}-known`}>
            {COMMON_EVENT_TYPES.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          {problem?.field === 'types' ? (
            <span id={`${id}-types-error`} className="field-error">
              {problem.text}
            </span>
          ) : (
            <span id={`${id}-types-hint`} className="hint">
              Separated by commas, e.g. conversation.claimed, conversation.resolved. Empty: every type.
            </span>
          )}
        </div>
      </div>
      <div role="alert" className={problem?.field === 'server' ? 'error' : 'error empty'}>
        {problem?.field === 'server' ? problem.text : ''}
      </div>
      <div className="actions">
        <button type="submit" className="small" disabled={creating || saving}>
          {webhook ? 'Save endpoint' : 'Register endpoint'}
        </button>
        {onCancel ? (
          <button type="button" className="secondary small" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

/** The server's refusal, on the field it names (url, eventTypes) or for the form. */
function serverProblem(error: CombinedError | undefined): { field: 'url' | 'types' | 'server'; text: string } {
  const field = error?.graphQLErrors[0]?.extensions?.field;
  const text = describeError(error, 'admin');
  if (field === 'url') return { field: 'url', text };
  if (field === 'eventTypes') return { field: 'types', text };
  return { field: 'server', text };
}
