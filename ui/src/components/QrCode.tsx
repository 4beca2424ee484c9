// The checkout link as a QR code; the qrcode library is loaded on first use so the main bundle stays small.

import { useEffect, useState } from 'preact/hooks';

export function QrCode(props: { text: string; size?: number }) {
  const [source, setSource] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSource(null);
    import('qrcode')
      .then((module) => module.default.toDataURL(props.text, { margin: 1, width: props.size ?? 176, errorCorrectionLevel: 'M' }))
      .then((url) => live && setSource(url))
      .catch((failure: Error) => live && setError(`Could not draw the QR code: ${failure.message}`));
    return () => {
      live = false;
    };
  }, [props.text]);
  if (error) return <p class="inline-error small">{error}</p>;
  return source
    ? <img class="qr" src={source} width={props.size ?? 176} height={props.size ?? 176} alt={`QR code for ${props.text}`} data-testid="qr" />
    : <div class="qr qr-loading" style={{ width: `${props.size ?? 176}px`, height: `${props.size ?? 176}px` }} />;
}
