import { describe, expect, it } from 'vitest';
import { quoteCommand, redactKeepalivedConf, renderKeepalivedConf } from '../../../roles/keepalived/render.js';
import type { KeepalivedConfig } from '../../../roles/keepalived/model.js';
import { fullConfig, siteConfig } from './fixtures.js';

const GOLDEN_MASTER = `# managed by lvs-play: do not edit by hand, changes are overwritten

global_defs {
    router_id lvs1
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass lvs-2011
    }
    virtual_ipaddress {
        10.77.0.10/32 dev eth0 label eth0:0
    }
}

virtual_server 10.77.0.10 80 {
    delay_loop 6
    lb_algo wrr
    lb_kind DR
    persistence_timeout 300
    protocol TCP

    real_server 10.77.0.16 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 3
            connect_port 80
            retry 3
            delay_before_retry 3
        }
    }

    real_server 10.77.0.17 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 3
            connect_port 80
            retry 3
            delay_before_retry 3
        }
    }
}
`;

/** Reverses the key order of every object (same data, different spelling). */
function reorder<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reorder) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reorder(x)])) as T;
  return v;
}

describe('renderKeepalivedConf', () => {
  it('renders the reference site MASTER (golden)', () => {
    expect(renderKeepalivedConf(siteConfig('lvs1'))).toBe(GOLDEN_MASTER);
  });

  it('renders the BACKUP differing only in router_id, state and priority', () => {
    const backup = renderKeepalivedConf(siteConfig('lvs2'));
    const want = GOLDEN_MASTER.replace('router_id lvs1', 'router_id lvs2').replace('state MASTER', 'state BACKUP').replace('priority 150', 'priority 100');
    expect(backup).toBe(want);
    const differing = GOLDEN_MASTER.split('\n').filter((l, i) => l !== backup.split('\n')[i]);
    expect(differing.map((l) => l.trim())).toEqual(['router_id lvs1', 'state MASTER', 'priority 150']);
  });

  it('always writes lb_kind (DR by default) and protocol (TCP by default)', () => {
    const cfg = siteConfig('lvs1');
    delete cfg.virtualServers[0]!.lbKind;
    delete cfg.virtualServers[0]!.protocol;
    expect(renderKeepalivedConf(cfg)).toBe(GOLDEN_MASTER);
  });

  it('is deterministic: same input, same bytes, whatever the key order', () => {
    const a = renderKeepalivedConf(fullConfig());
    expect(renderKeepalivedConf(fullConfig())).toBe(a);
    expect(renderKeepalivedConf(reorder(fullConfig()))).toBe(a);
    expect(renderKeepalivedConf(JSON.parse(JSON.stringify(fullConfig())) as KeepalivedConfig)).toBe(a);
  });

  it('renders every optional part', () => {
    expect(renderKeepalivedConf(fullConfig())).toBe(`# managed by lvs-play: do not edit by hand, changes are overwritten

global_defs {
    router_id lvs1
    enable_script_security
    script_user root
    vrrp_skip_check_adv_addr
    vrrp_garp_master_delay 1
}

vrrp_script chk_web {
    script "'/usr/local/lib/lvs play/check web.sh' --port 80 'two words'"
    interval 2
    timeout 3
    weight -20
    fall 2
    rise 2
}

vrrp_script chk_dns {
    script "'/usr/local/lib/lvs play/dns check'"
    user root
}

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    nopreempt
    unicast_src_ip 10.77.0.14
    unicast_peer {
        10.77.0.15
    }
    authentication {
        auth_type PASS
        auth_pass p4ss
    }
    virtual_ipaddress {
        10.77.0.10/32 dev eth0
        10.77.0.11/32 label eth0:1
    }
    track_script {
        chk_web
        chk_dns weight -30
    }
    notify_master "'/usr/local/lib/lvs play/notify.sh'"
    notify_backup "'/usr/local/lib/lvs play/notify.sh' BACKUP"
    notify_fault "/bin/true"
    notify "/bin/logger vrrp state=changed"
}

virtual_server 10.77.0.10 443 {
    lb_algo sh
    lb_kind DR
    protocol TCP
    quorum 1
    sorry_server 10.77.0.18 443

    real_server 10.77.0.16 443 {
        weight 1
        SSL_GET {
            url {
                path /health
                status_code 200
            }
            connect_timeout 3
        }
    }

    real_server 10.77.0.17 443 {
        weight 1
        HTTP_GET {
            url {
                path /
                digest 9b3a0c85a887a256d6939da88aabd8cd
            }
            url {
                path /x
            }
            connect_timeout 5
            retry 2
        }
    }
}

virtual_server fwmark 7 {
    delay_loop 10
    lb_algo rr
    lb_kind TUN

    real_server 10.77.0.16 {
        weight 2
        MISC_CHECK {
            misc_path "'/usr/local/lib/lvs play/dns check' 10.77.0.16"
            misc_timeout 5
        }
    }
}

# raw options (verbatim)
virtual_server_group VSG_1 {
    10.77.0.10 8080
}
`);
  });

  it('renders preempt_delay and track_interface', () => {
    const cfg = siteConfig('lvs1');
    Object.assign(cfg.vrrpInstances[0]!, { state: 'BACKUP', preemptDelay: 30, trackInterfaces: ['eth1', 'eth2'] });
    expect(renderKeepalivedConf(cfg)).toContain(
      '    advert_int 1\n    preempt_delay 30\n    authentication {\n        auth_type PASS\n        auth_pass lvs-2011\n    }\n    virtual_ipaddress {\n        10.77.0.10/32 dev eth0 label eth0:0\n    }\n    track_interface {\n        eth1\n        eth2\n    }\n}\n',
    );
  });

  it('quotes commands the way keepalived splits script parameters', () => {
    expect(quoteCommand('/usr/bin/check')).toBe('"/usr/bin/check"');
    expect(quoteCommand('/opt/my scripts/check')).toBe(`"'/opt/my scripts/check'"`);
    expect(quoteCommand({ path: '/usr/bin/curl', args: ['-f', 'http://10.77.0.16/a b', 'x=1,y=2'] })).toBe(`"/usr/bin/curl -f 'http://10.77.0.16/a b' x=1,y=2"`);
  });
});

describe('redactKeepalivedConf', () => {
  it('replaces every auth_pass value and nothing else', () => {
    const text = renderKeepalivedConf(siteConfig('lvs1'));
    const red = redactKeepalivedConf(text);
    expect(red).not.toContain('lvs-2011');
    expect(red).toContain('        auth_pass ********\n');
    expect(red).toBe(text.replace('auth_pass lvs-2011', 'auth_pass ********'));
  });

  it('redacts hand-written and raw text too (tabs, quotes, trailing comments, several instances)', () => {
    const text = 'vrrp_instance A {\n\tauthentication {\n\t\tauth_type PASS\n\t\tauth_pass\t"se cret" # old\n\t}\n}\nauth_pass x1\nmy_auth_pass keep\n';
    expect(redactKeepalivedConf(text)).toBe('vrrp_instance A {\n\tauthentication {\n\t\tauth_type PASS\n\t\tauth_pass\t********\n\t}\n}\nauth_pass ********\nmy_auth_pass keep\n');
  });
});
