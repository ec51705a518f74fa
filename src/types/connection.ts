/** Connections: how a host is reached (ssh, winrm, psrp-ssh, local) and the secrets they take. */

/** A secret resolved only when a connection needs it; prints as "********". */
export interface SecretRef {
  readonly type: 'secret';
  readonly source: { env: string } | { prompt: string } | { value: string };
}

/** `connection: { type: 'ssh' }`: a host reached over SSH (node-ssh, known_hosts verified). */
export interface SshConnection {
  type: 'ssh';
  user?: string;
  port?: number;
  /** Private key file (path on the control node). */
  keyFile?: string;
  /** Passphrase of the key, or password auth. */
  passphrase?: SecretRef;
  password?: SecretRef;
  /** Use ssh-agent ($SSH_AUTH_SOCK). Default: when set. */
  agent?: boolean;
  /** known_hosts file; default ~/.ssh/known_hosts. */
  knownHosts?: string;
  /** Accept and record unknown host keys (a changed key is always refused). */
  acceptNewHostKeys?: boolean;
  /** Escalate with sudo for non-root users. */
  become?: boolean;
  becomePassword?: SecretRef;
  connectTimeoutMs?: number;
  /** ssh_config file read instead of ~/.ssh/config and /etc/ssh/ssh_config (ssh -F; --ssh-config overrides it). */
  sshConfig?: string;
  /** OpenSSH options as `ssh -o Key=Value` gives them (ProxyJump, ProxyCommand, …): above ssh_config, below the fields here. */
  sshOptions?: Readonly<Record<string, string>>;
}

/** `connection: { type: 'winrm' }`: a Windows host reached over WinRM (WinRS over HTTP(S)). */
export interface WinRmConnection {
  type: 'winrm';
  user: string;
  password: SecretRef;
  port?: number;
  useSsl?: boolean;
  authentication?: 'Default' | 'Basic' | 'Negotiate' | 'Kerberos' | 'CredSSP';
  skipCertCheck?: boolean;
  /** PEM file of the CA(s) that signed the host's HTTPS certificate (default: Node's bundled roots). */
  caFile?: string;
}

/** PowerShell remoting over SSH (`New-PSSession -HostName`). */
export interface PsrpSshConnection {
  type: 'psrp-ssh';
  user: string;
  port?: number;
  keyFile?: string;
  /** ssh options passed to pwsh's ssh client, e.g. UserKnownHostsFile. */
  knownHosts?: string;
  connectTimeoutMs?: number;
  /** As SshConnection's: the jump settings apply to PowerShell remoting too. */
  sshConfig?: string;
  sshOptions?: Readonly<Record<string, string>>;
}

/** `connection: { type: 'local' }`: this machine, no network. */
export interface LocalConnection {
  type: 'local';
}

/** How a host is reached: ssh, winrm, psrp-ssh or local. */
export type Connection = SshConnection | WinRmConnection | PsrpSshConnection | LocalConnection;
