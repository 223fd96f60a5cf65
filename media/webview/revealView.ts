// Browser side of the one-time reveal panel. The secret arrives once in `reveal/init` and is kept
// only in this module's variables: never in setState, never in the DOM until the eye is toggled.
import type { ToWebview } from '../../extension/webviews/protocol';
import { byId, setText, show, text } from './dom';
import { onHostMessage, post } from './messaging';

let secret: string | undefined;
let authorization: string | undefined;
let masked = '';
let revealed = false;

export function startRevealView(): void {
  onHostMessage(handle);
  byId('toggle-secret').addEventListener('click', () => {
    revealed = !revealed;
    render();
  });
  byId('copy-reference').addEventListener('click', () => post({ type: 'reveal/copy', what: 'reference' }));
  byId('copy-secret').addEventListener('click', () => post({ type: 'reveal/copy', what: 'secret' }));
  byId('copy-authorization').addEventListener('click', () => post({ type: 'reveal/copy', what: 'authorization' }));
  byId('write-config').addEventListener('click', () => post({ type: 'reveal/writeConfig' }));
  // Leaving the page (panel closed or hidden) drops the secret from this page's memory.
  window.addEventListener('pagehide', () => {
    secret = undefined;
    authorization = undefined;
  });
  post({ type: 'ready' });
}

function handle(message: ToWebview): void {
  if (message.type === 'reveal/init') {
    secret = message.secret;
    authorization = message.authorization;
    masked = message.masked;
    revealed = false;
    setText('title', text('title', message.keyName));
    setText('reference', message.reference);
    show('warning-once', message.shownOnce);
    show('retrievable-note', !message.shownOnce);
    show('authorization-row', Boolean(message.authorization));
    show('injected', message.injected.length > 0);
    setText('injected', message.injected.length ? text('injected', message.injected.join(', ')) : '');
    render();
  } else if (message.type === 'reveal/copied') {
    setText(
      'clipboard-note',
      message.clearSeconds > 0 && message.what !== 'reference' ? text('copiedCleared', String(message.clearSeconds)) : text('copied'),
    );
  }
}

function render(): void {
  const toggle = byId('toggle-secret');
  toggle.setAttribute('aria-pressed', String(revealed));
  toggle.setAttribute('icon', revealed ? 'eye-closed' : 'eye');
  toggle.textContent = revealed ? text('hide') : text('show');
  setText('secret', revealed && secret ? secret : masked);
  const scheme = authorization?.split(' ')[0] ?? '';
  setText('authorization', revealed && authorization ? `Authorization: ${authorization}` : `Authorization: ${scheme} ****`);
}
