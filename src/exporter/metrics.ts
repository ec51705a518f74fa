/**
 * The exporter's metrics: names, types, labels and help texts (docs/operate.md lists the same).
 * One table, read by the prom-client registry (src/exporter/registry.ts) and by the points
 * (src/exporter/points.ts).
 */

export type MetricType = 'gauge' | 'counter';

export interface MetricDef {
  type: MetricType;
  help: string;
  labels: readonly string[];
}

const SERVICE = ['director', 'vip', 'port', 'protocol', 'real_server'] as const;

export const METRICS = {
  lvs_host_up: { type: 'gauge', help: 'Whether the host answered its last read (1) or not (0: unreachable, timed out, or its read failed).', labels: ['host', 'role'] },
  lvs_read_duration_seconds: { type: 'gauge', help: 'Duration of the host\'s last read (one round trip; connect included when it reconnected).', labels: ['host'] },
  lvs_host_reads_total: { type: 'counter', help: 'Read commands (round trips) sent to the host since the exporter started.', labels: ['host'] },
  lvs_last_read_timestamp_seconds: { type: 'gauge', help: 'When the last round of reads (every host) started, in seconds since the epoch.', labels: [] },
  lvs_keepalived_up: { type: 'gauge', help: 'Whether keepalived runs on the director (NaN when the director does not answer).', labels: ['director'] },
  lvs_vrrp_state: { type: 'gauge', help: 'VRRP state of each instance as the director\'s kernel shows it (a state set: 1 for the current state; UNKNOWN when the director does not answer).', labels: ['director', 'instance', 'state'] },
  lvs_vip_holder: { type: 'gauge', help: 'Whether the host holds the VIP on a non-loopback interface (1) or not (0); NaN when a director does not answer.', labels: ['vip', 'host'] },
  lvs_ipvs_available: { type: 'gauge', help: 'Whether the director\'s kernel has IPVS and ipvsadm to list it (the IPVS metrics exist only then).', labels: ['director'] },
  lvs_ipvs_connections: { type: 'gauge', help: 'Connections of the real server in the director\'s IPVS table, by state (active = established).', labels: [...SERVICE, 'state'] },
  lvs_ipvs_connections_total: { type: 'counter', help: 'Connections the director scheduled to the real server since IPVS counted them (ipvsadm --stats).', labels: SERVICE },
  lvs_ipvs_packets_total: { type: 'counter', help: 'Packets through the director for the real server (ipvsadm --stats; direction in = client to server; out is 0 in direct routing).', labels: [...SERVICE, 'direction'] },
  lvs_ipvs_bytes_total: { type: 'counter', help: 'Bytes through the director for the real server (ipvsadm --stats; direction in = client to server; out is 0 in direct routing).', labels: [...SERVICE, 'direction'] },
  lvs_sync_daemon_up: { type: 'gauge', help: 'Whether the director\'s kernel runs the IPVS connection sync daemon of the role (master: sends its connections, backup: receives them; ipvsadm -L --daemon). Only for directors with IPVS whose keepalived.conf sets lvs_sync_daemon or where a daemon runs.', labels: ['director', 'role'] },
  lvs_real_server_weight: { type: 'gauge', help: 'Weight of the real server in the director\'s IPVS table (0 = no new connections).', labels: SERVICE },
  lvs_real_server_configured_weight: { type: 'gauge', help: 'Weight of the real server in the director\'s keepalived.conf.', labels: ['director', 'real_server'] },
  lvs_real_server_drained: { type: 'gauge', help: 'Whether the real server is recorded as drained (lvs-play drain) on a director.', labels: ['real_server'] },
  lvs_real_server_healthy: { type: 'gauge', help: 'Whether keepalived\'s health check passes as the director\'s IPVS shows it: configured and listed (1), configured but not listed (0). Only where IPVS is available.', labels: ['director', 'real_server'] },
  lvs_real_server_listening: { type: 'gauge', help: 'Whether every port the directors send to the real server is listening on it (read on the real server; NaN when unknown).', labels: ['real_server'] },
  lvs_problems: { type: 'gauge', help: 'Problems lvs-play status finds, by kind (docs/operate.md "Problems").', labels: ['kind'] },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;

/** Every problem kind status can report (src/status/problems.ts): each always exported, 0 when absent. */
export const PROBLEM_KINDS = [
  'two-masters', 'no-master', 'vip-on-two-hosts', 'ipvs-differs', 'keepalived-down', 'unreachable', 'no-config',
  'rs-down', 'rs-missing', 'rs-weight-0', 'rs-not-configured', 'rs-no-vip', 'rs-answers-arp', 'rs-weak-host', 'sync-down',
] as const;

export const VRRP_STATES = ['MASTER', 'BACKUP', 'FAULT', 'STOPPED', 'UNKNOWN'] as const;

/** The roles of the kernel's IPVS sync daemon (`lvs_sync_daemon_up{role}`). */
export const SYNC_ROLES = ['master', 'backup'] as const;
