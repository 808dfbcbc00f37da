// The HTML the callback server shows in the browser (our own markup; titles and texts as observed, §1.6–1.7).

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page of `GET /success`: title "Sign into Codex", heading "Signed in to Codex". */
export function successPage(needsSetup: boolean, platformUrl: string): string {
  const setup = needsSetup
    ? `<p>Finish setting up your API organization</p><script>setTimeout(function(){location.href=${JSON.stringify(
        `${platformUrl}/org-setup`,
      )}+location.search;},3000);</script>`
    : '<p>You may now close this page</p>';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Sign into Codex</title></head>',
    `<body><h1>Signed in to Codex</h1>${setup}</body></html>`,
  ].join('\n');
}

/** The error page (status 200): message, error code and details. */
export function errorPage(message: string, errorCode: string, details: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Codex Sign-in Error</title></head>',
    '<body><div class="brand">Codex login</div>',
    '<h1>Sign-in could not be completed</h1>',
    `<p class="message">${escapeHtml(message)}</p>`,
    `<dl><dt>Error code</dt><dd>${escapeHtml(errorCode)}</dd><dt>Details</dt><dd>${escapeHtml(details)}</dd></dl>`,
    '<p>Return to Codex to retry, switch accounts, or contact your workspace admin if access is restricted.</p>',
    '</body></html>',
  ].join('\n');
}
