/// <reference types="node" preserve="true" />
/** Transports: what a command returned, how it runs, and the POSIX and PowerShell connections to a host. */
import type { JsonValue, PsScript, ShellCommand } from './shell-text.js';

/** What a shell command on a host returned. */
export interface RunResult {
  /** Exit code; `null` means the session dropped (treated as failure). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Bytes sent in chunks as they are read (a large Buffer, a file on the control node): a transport
 * writes them to the command with backpressure, never holding them whole or copying them per host.
 */
export interface ByteStream {
  /** Total size in bytes. */
  readonly size: number;
  /** A fresh pass over the bytes, in order (each call starts again at the first byte). */
  chunks(): AsyncIterable<Buffer>;
}

/** How `Transport.run` runs a command: stdin, become, a timeout. */
export interface RunOptions {
  /** Bytes or text written to the command's stdin (a ByteStream: streamed, chunk by chunk). */
  stdin?: string | Buffer | ByteStream;
  /** Run through privilege escalation (sudo) when the connection is not root. Default true. */
  become?: boolean;
  timeoutMs?: number;
}

/** How `Transport.put` writes a file: its mode. */
export interface PutOptions {
  /** Octal mode, e.g. 0o644. */
  mode?: number;
}

/** What every transport has: the host it reaches, and close(). */
export interface TransportBase {
  /** Inventory name of the host this transport reaches. */
  readonly host: string;
  close(): Promise<void>;
}

/** A host reached by a POSIX shell: local (zx) or ssh (node-ssh). */
export interface PosixTransport extends TransportBase {
  readonly shell: 'posix';
  /** Runs a command through `sh -c`. Never rejects on a non-zero exit: check `code`. */
  run(cmd: ShellCommand, opts?: RunOptions): Promise<RunResult>;
  /** Writes a file atomically: to a temp path beside it, then rename. */
  put(path: string, content: string | Buffer, opts?: PutOptions): Promise<void>;
  /** Reads a whole file. Rejects when it does not exist. */
  get(path: string): Promise<Buffer>;
}

/** A Windows host reached through PowerShell remoting (node-powershell driving local pwsh). */
export interface PowerShellTransport extends TransportBase {
  readonly shell: 'powershell';
  /**
   * Runs `script` on the remote host with `$data` bound to the parsed `data`;
   * the script's last output is converted to JSON on the far side and parsed here.
   */
  invoke<T extends JsonValue = JsonValue>(script: PsScript, data: JsonValue): Promise<T>;
}

/** One host's connection: a POSIX shell or PowerShell. */
export type Transport = PosixTransport | PowerShellTransport;
/** 'posix' or 'powershell': which shell a transport (and a resource) speaks. */
export type ShellKind = Transport['shell'];
/** The transport of one shell kind. */
export type TransportFor<S extends ShellKind> = Extract<Transport, { shell: S }>;
