// The start-up banner: where each listener is and what to paste where. The inspector link carries the token.

export interface BannerInfo {
  openUrl?: string;
  ingressUrl?: string;
  callbackUrl?: string;
  emulatorUrl: string;
  credentials: { merchantId: string; secretKey: string; terminalId: string; rtpTerminalId: string };
  dataDir: string;
}

export function formatBanner(info: BannerInfo): string {
  const lines = ['', 'miahook is running.', ''];
  if (info.openUrl) lines.push(`  Inspector     ${info.openUrl}`, '                (open it in your browser; the link carries this launch\'s access token)');
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
