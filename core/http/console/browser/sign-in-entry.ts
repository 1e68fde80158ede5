// The sign-in page's script (bundled at start-up, inlined with the page's CSP nonce): sends the token
// with the XSRF header and reloads into the console once the server has set the session cookie.
import { CONSOLE_PATH, XSRF_HEADER, XSRF_VALUE } from '../../endpoints.ts';
import type { ApiBody } from './api-client.ts';
import { fieldValue } from './form-body.ts';

const form = document.getElementById('signin') as HTMLFormElement;
const errors = form.querySelector('.errors')!;

async function signIn(): Promise<void> {
  const response = await fetch(`${CONSOLE_PATH}/session`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', [XSRF_HEADER]: XSRF_VALUE },
    body: JSON.stringify({ token: fieldValue(form, 'token').trim() }),
  });
  if (response.ok) {
    location.reload();
    return;
  }
  const body = (await response.json()) as ApiBody;
  errors.textContent = body.errors?.[0]?.message || `Sign-in failed (${response.status})`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  errors.textContent = '';
  const button = form.querySelector('button')!;
  button.disabled = true;
  signIn()
    .catch(() => {
      errors.textContent = 'Cannot reach the server';
    })
    .finally(() => {
      button.disabled = false;
    });
});
