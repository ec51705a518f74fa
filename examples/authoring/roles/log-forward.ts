// The same pattern: rsyslog forwarding on the directors (docs/authoring.md). It type-checks
// against the kit; the lab's hosts have no rsyslog, so it does not run in the test suite.
import { defineResource, defineRole, pkg, serviceAction, sh } from 'lvs-play';
import { applyFileChange, describeFileChange, fileDiff, fileFact, formatHostPort, ipAddress, onDebian, onlyOn, planFileContent, port, z } from 'lvs-play/kit';

export const logForwardOptions = z.object({
  target: ipAddress,
  port: port.default(514),
  protocol: z.enum(['udp', 'tcp']).default('udp'),
}).strict();

const PATH = '/etc/rsyslog.d/60-forward.conf';

export const logForward = defineRole({
  name: 'log-forward',
  options: logForwardOptions,
  build(o) {
    const content = Buffer.from(`*.* ${o.protocol === 'tcp' ? '@@' : '@'}${formatHostPort(o.target, o.port)}\n`);
    const attrs = { mode: 0o644, owner: 'root', group: 'root' };
    const conf = defineResource({
      id: `log-forward ${PATH}`, kind: 'log-forward', shell: 'posix',
      read: fileFact(PATH),
      plan: (cur) => planFileContent(PATH, cur, content, attrs),
      describe: describeFileChange,
      diff: fileDiff,
      apply: (t, c) => applyFileChange(t, c, { ...attrs, validate: (tmp) => sh`rsyslogd -N1 -f ${tmp}`, backup: true }),
      notify: ['restart rsyslog'],
    });
    return {
      resources: [pkg({ names: ['rsyslog'] }), onlyOn(onDebian, conf)],
      handlers: { 'restart rsyslog': serviceAction({ name: 'rsyslog', action: 'restart' }) },
    };
  },
});
