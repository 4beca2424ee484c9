// Whole-page messages: no token in the address, or a token or share link the server no longer accepts.

export function NoTokenPage() {
  return (
    <div class="notice-page">
      <div class="notice-card">
        <h1><span class="brand-mark">mia</span>hook inspector</h1>
        <p>This page needs the link <strong>miahook</strong> printed in your terminal when it started.</p>
        <p>It looks like <code>http://127.0.0.1:4600/#token=…</code>: the token keeps other web pages and other users on this machine out.</p>
        <p class="muted">Lost it? It is also in <code>.miahook/runtime.json</code> (field <code>token</code>), or restart <code>npx miahook</code>.</p>
      </div>
    </div>
  );
}

export function AuthProblemPage(props: { message: string; share: boolean }) {
  return (
    <div class="notice-page">
      <div class="notice-card">
        <h1>{props.share ? 'This shared link no longer works' : 'miahook no longer accepts this page’s token'}</h1>
        <p>{props.message}</p>
        <p class="muted">
          {props.share
            ? 'Shared links expire, and the owner can revoke them. Ask for a new link.'
            : 'miahook makes a new token every time it starts. Open the new link it printed in your terminal.'}
        </p>
      </div>
    </div>
  );
}
