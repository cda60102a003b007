import { isIPv4, isIPv6 } from "node:net";

/** A TCP endpoint the bridge may dial. */
export type BridgeTarget = { host: string; port: number };

/** Result of checking an `address` query parameter. */
export type TargetCheck = { allowed: true; target: BridgeTarget } | { allowed: false; reason: string };

/**
 * Parses `host:port` (IPv6 as `[::1]:5432` or `::1:5432`) and allows it only when the host is a loopback
 * address: 127.0.0.0/8, ::1 (also IPv4-mapped ::ffff:127.x.x.x) or the name `localhost`.
 * Never resolves names, so a DNS answer cannot widen what is allowed.
 */
export function checkLoopbackTarget(address: string | null | undefined): TargetCheck {
  if (!address) return { allowed: false, reason: "missing address parameter" };
  const separator = address.lastIndexOf(":");
  if (separator <= 0) return { allowed: false, reason: "address is not host:port" };
  let host = address.slice(0, separator);
  const portText = address.slice(separator + 1);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (!/^\d{1,5}$/.test(portText)) return { allowed: false, reason: "invalid port" };
  const port = Number(portText);
  if (port < 1 || port > 65_535) return { allowed: false, reason: "invalid port" };
  if (!isLoopbackHost(host)) return { allowed: false, reason: `non-loopback host ${host}` };
  return { allowed: true, target: { host, port } };
}

/** True for `localhost`, any 127.0.0.0/8 IPv4 literal, `::1` and IPv4-mapped loopback IPv6 literals. */
export function isLoopbackHost(host: string): boolean {
  const lowered = host.toLowerCase();
  if (lowered === "localhost") return true;
  if (isIPv4(lowered)) return lowered.startsWith("127.");
  if (!isIPv6(lowered)) return false;
  if (lowered === "::1" || lowered === "0:0:0:0:0:0:0:1") return true;
  const mapped = /^(?:0:0:0:0:0|:):ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lowered);
  return mapped?.[1] !== undefined && isIPv4(mapped[1]) && mapped[1].startsWith("127.");
}
