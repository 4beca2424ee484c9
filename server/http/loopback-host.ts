// The DNS-rebinding check shared by the loopback listeners (inspector, emulator): does a Host header name this
// listener exactly, by a loopback name and its port? A web page reached under another name must not get in.

/** The Host header values that name a loopback listener on `port`. */
export function listLoopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/** True when a Host header names this loopback listener exactly (anything else may be DNS rebinding). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host !== undefined && listLoopbackHosts(port).includes(host.toLowerCase());
}
