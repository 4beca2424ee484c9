// The start-up banner: where each listener is and what to paste where (the inspector link carries the token); and the
// lines printed each time a localtunnel tunnel comes online: its public URL and the password teammates' browsers need.

export interface BannerInfo {
  openUrl?: string;
  ingressUrl?: string;
  callbackUrl?: string;
  /** --public-url: the user's own tunnel. */
  publicUrl?: string | null;
  emulatorUrl: string;
  credentials: { merchantId: string; secretKey: string; terminalId: string; rtpTerminalId: string };
  dataDir: string;
}

export function formatBanner(info: BannerInfo): string {
  const lines = ['', 'miahook is running.', ''];
  if (info.openUrl) lines.push(`  Inspector     ${info.openUrl}`, '                (open it in your browser; the link carries this launch\'s access token)');
  if (info.publicUrl) lines.push(`  Public URL    ${info.publicUrl}   (your own tunnel; share links use it)`);
  if (info.callbackUrl) lines.push(`  Callback URL  ${info.callbackUrl}`);
  lines.push(
    `  Emulator      ${info.emulatorUrl}   (point your app's miaPOS base URL here)`,
    `    merchantId     ${info.credentials.merchantId}`,
    `    secretKey      ${info.credentials.secretKey}`,
    `    terminalId     ${info.credentials.terminalId}   (qr)`,
    `    rtpTerminalId  ${info.credentials.rtpTerminalId}   (rtp)`,
    `  Data dir      ${info.dataDir}   (runtime.json has these URLs for scripts)`,
    '',
    'Press Ctrl+C to stop.',
    '',
  );
  return lines.join('\n');
}

/** Printed when a tunnel comes online: the public URL, and under it the tunnel password when the server asks browsers for one. */
export function formatTunnelBanner(publicUrl: string, password: string | null): string {
  const lines = ['', `  Public URL       ${publicUrl}   (callback URL ${publicUrl}/callback)`];
  if (password) {
    lines.push(
      `  Tunnel password  ${password}`,
      '                   (a teammate opening a share link in a browser first sees the tunnel server\'s reminder page:',
      '                   they type this once; callbacks and "miahook tail <link>" pass without it)',
    );
  }
  lines.push('');
  return lines.join('\n');
}
