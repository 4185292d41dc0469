/** Sign in with an API key: the key is checked against the API and kept in sessionStorage only. */
import { api, errorBox } from '../api.ts';
import { field, h, input } from '../dom.ts';
import { navigate } from '../main.ts';
import { setSession, type Session } from '../session.ts';

export function signInPage(main: HTMLElement): void {
  const key = input('password', '', { autocomplete: 'off', required: true, spellcheck: 'false' });
  const feedback = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, 'Sign in with your API key. The key stays in this browser tab only (session storage) and is sent with each request as "Authorization: Bearer …".'),
    field('key', 'API key', key),
    submit,
    feedback,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    feedback.replaceChildren();
    try {
      const who = await api<{ role: Session['role']; hospitalId?: string }>('/v1/me', { key: key.value.trim() });
      setSession({ key: key.value.trim(), role: who.role, ...(who.hospitalId ? { hospitalId: who.hospitalId } : {}) });
      const next = new URL(location.href).searchParams.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
    } catch (error) {
      feedback.replaceChildren(errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
  main.append(form);
  key.focus();
}
