// The public tunnel: startTunnel keeps a localtunnel tunnel to the ingress up; createHttpProbe proves it leads here.

export { startTunnel, type TunnelController, type TunnelOptions } from './tunnel.ts';
export { createHttpProbe, type HttpProbeOptions, type TunnelProbe } from './probe.ts';
export { TunnelConfigError } from './open-tunnel.ts';
