import { TEST_USERS } from "./users.js";

/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// System fonts only: the emulator must work without internet access.
const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1b1f24; }
  main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: .5rem;
         box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.5rem; margin-top: 0; }
  h2 { font-size: 1.1rem; margin-top: 2rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  input { display: block; width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem;
          font: inherit; border: 1px solid #6b7280; border-radius: .25rem; }
  input[aria-invalid="true"] { border-color: #b91c1c; }
  button { margin-top: 1.25rem; padding: .6rem 1.2rem; font: inherit; font-weight: 600; border-radius: .25rem;
           border: 1px solid #0f5bd8; background: #0f5bd8; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #0f5bd8; }
  :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; padding: .75rem; border-radius: .25rem; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e7eb; }
  code { font-size: .95em; }
`;

function page(title: string, body: string, head = ""): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${head}
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface LoginPageOptions {
  action: string;
  abortAction: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function loginPage(o: LoginPageOptions): string {
  const invalid = o.error ? ` aria-invalid="true" aria-describedby="signin-error"` : "";
  const rows = TEST_USERS.map(
    (u) =>
      `<tr><td><code>${escapeHtml(u.username)}</code></td><td><code>${escapeHtml(u.password)}</code></td>` +
      `<td>${escapeHtml(u.name)}</td><td>${escapeHtml(u.roles.join(", ") || "—")}</td><td>${escapeHtml(u.team)}</td></tr>`,
  ).join("\n");

  return page(
    "Sign in — Contoso (emulated Entra ID)",
    `<h1>Sign in</h1>
<p>Contoso test directory (emulated Microsoft Entra ID), signing you in to ${escapeHtml(o.clientName)}.</p>
${o.error ? `<p id="signin-error" class="error" role="alert">${escapeHtml(o.error)}</p>` : ""}
<form method="post" action="${escapeHtml(o.action)}" novalidate>
  <label for="username">User name</label>
  <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false"
         required value="${escapeHtml(o.username ?? "")}"${invalid}${o.username ? "" : " autofocus"}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${o.username ? " autofocus" : ""}>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="${escapeHtml(o.abortAction)}">
  <button type="submit" class="secondary">Cancel</button>
</form>
<section aria-labelledby="test-users-heading">
  <h2 id="test-users-heading">Test users</h2>
  <table>
    <thead><tr><th scope="col">User name</th><th scope="col">Password</th><th scope="col">Name</th><th scope="col">App roles</th><th scope="col">Team</th></tr></thead>
    <tbody>
${rows}
    </tbody>
  </table>
</section>`,
  );
}

/**
 * The provider's sign-out confirmation, answered "yes" at once: the portal has already ended its
 * own session, so asking again would only add a click. Without JavaScript the button does it.
 */
export function logoutPage(providerForm: string): string {
  const form = providerForm.replace("</form>", `<input type="hidden" name="logout" value="yes"/></form>`);
  return page(
    "Signing out",
    `<h1>Signing you out…</h1>
${form}
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>document.getElementById("op.logoutForm").submit();</script>`,
  );
}

export function loggedOutPage(): string {
  return page("Signed out", `<h1>You are signed out</h1><p>You can close this window.</p>`);
}

export function errorPage(details: Record<string, unknown>): string {
  const items = Object.entries(details)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join("\n");
  return page(
    "Sign-in error",
    `<h1>Sign-in failed</h1>
<div role="alert"><dl>${items}</dl></div>`,
  );
}

/**
 * Entra's "Sorry, but we're having trouble signing you in." page, with the AADSTS message and the
 * ids a person would quote to an admin.
 */
export function entraErrorPage(message: string): string {
  const ids = [
    ["Request Id", crypto.randomUUID()],
    ["Correlation Id", crypto.randomUUID()],
    ["Timestamp", new Date().toISOString().replace(/\.\d+Z$/, "Z")],
    ["Message", message],
  ];
  return page(
    "Sign in to your account",
    `<h1>Sign in</h1>
<p>Sorry, but we’re having trouble signing you in.</p>
<p class="error" role="alert">${escapeHtml(message)}</p>
<h2>Troubleshooting details</h2>
<dl>${ids.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("\n")}</dl>`,
  );
}
