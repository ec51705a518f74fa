/**
 * Many PowerShell reads of a host in ONE round trip: a PowerShell transport that collects the
 * `invoke`s made in the same turn of the event loop and sends them as one script, which runs each
 * (script, `$data`) pair through the same wrapper a lone invoke uses and returns their results.
 * What the posix fact batch (src/run/facts.ts) is for shell hosts, for Windows hosts — over WinRM
 * each command is a powershell.exe start, so this is most of a no-change run's time.
 */
import { ps } from '../shell/powershell.js';
import { RemoteScriptError } from '../transport/powershell.js';
import type { PwshEnvelope } from '../transport/pwsh-host.js';
import { REMOTE_WRAPPER } from '../transport/pwsh-scripts.js';
import type { JsonValue, PowerShellTransport, PsScript } from '../types.js';

/** Runs every item through the wrapper (in its own scope: its `$data` is its own); their JSON results. */
const BATCH: PsScript = ps`
$LvsBatchWrapper = [scriptblock]::Create([string]$data.wrapper)
$LvsBatchOut = New-Object System.Collections.ArrayList
foreach ($LvsBatchItem in @($data.items)) {
  [void]$LvsBatchOut.Add([string](& $LvsBatchWrapper ([string]$LvsBatchItem.script) ([string]$LvsBatchItem.data)))
}
,@($LvsBatchOut.ToArray())
`;

interface Pending {
  script: PsScript;
  data: JsonValue;
  resolve: (v: JsonValue) => void;
  reject: (e: unknown) => void;
}

export class InvokeBatch {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Round trips made (for -v and tests). */
  roundTrips = 0;

  /** The transport to hand to reads: its invokes are batched. */
  readonly transport: PowerShellTransport;

  constructor(private readonly t: PowerShellTransport) {
    // the address a transport connected to (scripts that find the host's NIC by it read `t.address`)
    const address = 'address' in t && typeof t.address === 'string' ? { address: t.address } : {};
    this.transport = {
      ...address,
      shell: 'powershell',
      host: t.host,
      close: async () => undefined,
      invoke: <T extends JsonValue = JsonValue>(script: PsScript, data: JsonValue): Promise<T> =>
        new Promise<T>((resolve, reject) => {
          this.queue.push({ script, data, resolve: resolve as (v: JsonValue) => void, reject });
          if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => void this.flush());
          }
        }),
    };
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const items = this.queue.splice(0);
    if (items.length === 0) return;
    this.roundTrips++;
    if (items.length === 1) {
      const [one] = items as [Pending];
      return this.t.invoke(one.script, one.data).then(one.resolve, one.reject);
    }
    let results: JsonValue;
    try {
      results = await this.t.invoke(BATCH, { wrapper: REMOTE_WRAPPER, items: items.map((i) => ({ script: i.script, data: JSON.stringify(i.data) })) });
    } catch (e) {
      for (const i of items) i.reject(e);
      return;
    }
    items.forEach((item, k) => settle(this.t.host, item, Array.isArray(results) ? results[k] : undefined));
  }
}

function settle(host: string, item: Pending, raw: JsonValue | undefined): void {
  let env: PwshEnvelope;
  try {
    env = JSON.parse(String(raw)) as PwshEnvelope;
  } catch {
    item.reject(new Error(`${host}: a batched read returned no result`));
    return;
  }
  if (env.ok) item.resolve(env.value ?? null);
  else item.reject(new RemoteScriptError(host, env.error, env.where ?? undefined));
}
