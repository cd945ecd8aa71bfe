import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CompleteTakeoverMutation } from '../../api/operations';
import { describeError } from '../../api/errors';
import type { ConversationDetailFragment } from '../../gql/graphql';
import {
  EMPTY_COMPLETION,
  completionInput,
  validateCompletion,
  type CompletionErrors,
  type CompletionForm,
} from '../../intervention';

interface CompleteTakeoverDialogProps {
  conversationId: string;
  customerName: string;
  onClose: () => void;
  onCompleted: (c: ConversationDetailFragment) => void;
}

const FIELDS: ReadonlyArray<keyof CompletionForm> = ['topic', 'outcome', 'tags', 'block'];

/**
 * Complete a takeover (I4): topic and outcome are required, tags and the bot step to send next
 * optional. The bot owns the conversation again and resumes with that step.
 */
export function CompleteTakeoverDialog({ conversationId, customerName, onClose, onCompleted }: CompleteTakeoverDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const fields = useRef<Partial<Record<keyof CompletionForm, HTMLInputElement | HTMLTextAreaElement | null>>>({});
  const id = useId();
  const [{ fetching }, complete] = useMutation(CompleteTakeoverMutation);
  const [form, setForm] = useState<CompletionForm>(EMPTY_COMPLETION);
  const [errors, setErrors] = useState<CompletionErrors>({});
  const [failure, setFailure] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const set = (field: keyof CompletionForm) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    // A corrected field stops saying it is wrong; the others keep their messages until submit.
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateCompletion(form);
    setErrors(found);
    setFailure('');
    const first = FIELDS.find((f) => found[f]);
    if (first) {
      fields.current[first]?.focus();
      return;
    }
    const result = await complete({ id: conversationId, input: completionInput(form) });
    if (result.data) {
      onCompleted(result.data.completeTakeover);
      onClose();
      return;
    }
    setFailure(describeError(result.error, 'handback'));
  };

  /** A field's props: its label, hint and error tied to it for screen readers. */
  const a11y = (field: keyof CompletionForm, hint?: boolean) => {
    const described = [hint ? `${id}-${field}-hint` : '', errors[field] ? `${id}-${field}-error` : ''].filter(Boolean).join(' ');
    return {
      id: `${id}-${field}`,
      value: form[field],
      'aria-invalid': errors[field] ? true : undefined,
      'aria-describedby': described || undefined,
      ref: (el: HTMLInputElement | HTMLTextAreaElement | null) => {
        fields.current[field] = el;
      },
    };
  };
  const fieldError = (field: keyof CompletionForm) =>
    errors[field] ? (
      <p id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </p>
    ) : null;

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>Complete takeover of {customerName}</h2>
        <p className="muted">The bot takes the conversation back and continues from the step you give.</p>
        <div className="field">
          <label htmlFor={`${id}-topic`}>
            Topic <span className="required">(required)</span>
          </label>
          <input
            type="text"
            {...a11y('topic')}
            onChange={(e) => set('topic')(e.target.value)}
            required
            autoFocus
            autoComplete="off"
          />
          {fieldError('topic')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-outcome`}>
            Outcome <span className="required">(required)</span>
          </label>
          <textarea {...a11y('outcome')} rows={3} onChange={(e) => set('outcome')(e.target.value)} required />
          {fieldError('outcome')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-tags`}>Tags (optional)</label>
          <input type="text" {...a11y('tags', true)} onChange={(e) => set('tags')(e.target.value)} autoComplete="off" />
          <p id={`${id}-tags-hint`} className="hint">
            Comma separated, for example: refund, billing. They are added to the conversation's tags.
          </p>
          {fieldError('tags')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-block`}>Bot step to send next (optional)</label>
          <input type="text" {...a11y('block', true)} onChange={(e) => set('block')(e.target.value)} autoComplete="off" />
          <p id={`${id}-block-hint`} className="hint">
            The bot flow block to resume with, for example: satisfaction-survey.
          </p>
          {fieldError('block')}
        </div>
        <div role="alert" className={failure ? 'error' : 'error empty'}>
          {failure}
        </div>
        <div className="actions end">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={fetching}>
            {fetching ? 'Completing…' : 'Complete takeover'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
