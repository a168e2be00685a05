import { api } from '../api.ts';
import { h } from '../dom.ts';

/** The waive form used on the violations list and the image page; only operators see it. */
export function waiveForm(violationId: string, onDone: () => void): HTMLElement {
  const reason = h('input', {
    name: 'reason',
    placeholder: 'why this is acceptable for now',
    required: true,
    minlength: 3,
    size: 40,
    'aria-label': 'waiver reason',
  }) as HTMLInputElement;
  const expires = h('input', {
    name: 'expires',
    type: 'date',
    'aria-label': 'waiver expiry',
  }) as HTMLInputElement;
  const status = h('span', { class: 'status' });
  return h(
    'form',
    {
      class: 'waive',
      'data-violation': violationId,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        status.textContent = 'saving…';
        try {
          await api(`/api/violations/${violationId}/waive`, {
            method: 'POST',
            body: {
              reason: reason.value,
              ...(expires.value ? { expires_at: new Date(`${expires.value}T00:00:00Z`).toISOString() } : {}),
            },
          });
          onDone();
        } catch (err) {
          status.textContent = err instanceof Error ? err.message : String(err);
          status.className = 'status error';
        }
      },
    },
    reason,
    expires,
    h('button', { type: 'submit' }, 'Waive'),
    status,
  );
}
