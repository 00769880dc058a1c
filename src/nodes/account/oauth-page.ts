// The small pages the OAuth popup shows at the end of the flow. Everything that comes from
// outside (error texts, ids) is escaped; the page carries no token.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export interface PageText {
  title: string;
  message: string;
  /** Shown under the message when the window cannot close itself. */
  closeHint?: string;
}

export interface OpenerMessage {
  /** Sent to `window.opener` with this exact target origin (the admin origin). */
  targetOrigin: string;
  data: Record<string, string | number>;
  /**
   * Close the window once the editor is told. Only on success: a failure stays on screen, its
   * text beside the editor's (a window that closes itself 0.3 s later cannot be read).
   */
  closeSelf: boolean;
}

export function renderPage(text: PageText, message?: OpenerMessage): string {
  const script =
    message === undefined
      ? ''
      : `<script>
(function () {
  var m = ${scriptJson({ data: message.data, targetOrigin: message.targetOrigin, closeSelf: message.closeSelf })};
  try { if (window.opener) { window.opener.postMessage(m.data, m.targetOrigin); } } catch (e) {}
  if (m.closeSelf) { setTimeout(function () { window.close(); }, 300); }
})();
</script>`;
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(text.title)}</title>
<style>body{font-family:sans-serif;margin:2em;color:#333}h1{font-size:1.3em}</style>
</head>
<body>
<h1>${escapeHtml(text.title)}</h1>
<p>${escapeHtml(text.message)}</p>
${text.closeHint === undefined ? '' : `<p>${escapeHtml(text.closeHint)}</p>`}
${script}
</body>
</html>
`;
}
