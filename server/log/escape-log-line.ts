// Makes a log line safe for a terminal: control bytes from request data (ESC sequences, CR, C1 controls, bidi
// overrides) are written as visible escapes such as \x1b, never as themselves; a line break inside one entry
// (a stack trace) continues indented, so request data cannot forge a log line of its own.

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeLogLine(line: string): string {
  return line.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\n    ';
    if (char === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
