/** Outputs of the status scripts as the lab's hosts print them (ipvsadm 1.31, iproute2 6.1). */
export const IPVS_LIST = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.77.0.10:80 wrr
  -> 10.77.0.16:80                Route   3      2          40
  -> 10.77.0.17:80                Route   1      0          13
`;
export const IPVS_STATS = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.77.0.10:80                     200     1400        0    90000        0
  -> 10.77.0.16:80                     150     1050        0    67500        0
  -> 10.77.0.17:80                      50      350        0    22500        0
`;
export const IPVS_RATE = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  10.77.0.10:80                      20      140        0     9000        0
  -> 10.77.0.16:80                      15      105        0     6750        0
  -> 10.77.0.17:80                       5       35        0     2250        0
`;

export const CONF = `
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
    }
    virtual_ipaddress {
        10.77.0.10/32 dev eth0
    }
}

virtual_server 10.77.0.10 80 {
    delay_loop 6
    lb_algo wrr
    lb_kind DR
    protocol TCP

    real_server 10.77.0.16 80 {
        weight 3
        TCP_CHECK {
            connect_timeout 3
            connect_port 80
        }
    }

    real_server 10.77.0.17 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 3
            connect_port 80
        }
    }
}
`;

/** `ipvsadm -L --daemon` (ipvsadm 1.31, Linux 6.1) on a MASTER and a BACKUP with keepalived's lvs_sync_daemon. */
export const SYNCD_MASTER = 'master sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n';
export const SYNCD_BACKUP = 'backup sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n';

/** `ipvsadm -L -n -c` on a BACKUP holding synced connections (and a persistence template). */
export const IPVS_CONNS = `IPVS connection entries
pro expire state       source             virtual            destination
TCP 14:58  ESTABLISHED 10.77.0.20:40810   10.77.0.10:80      10.77.0.16:80
TCP 14:59  ESTABLISHED 10.77.0.20:40812   10.77.0.10:80      10.77.0.17:80
TCP 00:41  FIN_WAIT    10.77.0.20:40790   10.77.0.10:80      10.77.0.16:80
TCP 05:00  NONE        10.77.0.20:0       10.77.0.10:80      10.77.0.16:80
`;

export function directorOut(o: { pid?: number | null; vip?: boolean; ipvs?: string | null; conf?: string; drained?: string; list?: string; syncd?: string; conns?: string } = {}): string {
  const pid = o.pid === undefined ? 1234 : o.pid;
  const ipvs = o.ipvs === undefined ? 'ok' : o.ipvs ?? 'no IPVS in this kernel (ip_vs is not loaded)';
  return [
    '@@pid', pid ?? '',
    '@@version', pid ? 'Keepalived v2.2.7 (01/16,2022)' : '',
    '@@conf', o.conf ?? CONF,
    '@@addr',
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    '2: eth0    inet 10.77.0.14/24 brd 10.77.0.255 scope global eth0\\       valid_lft forever preferred_lft forever',
    ...(o.vip ? ['2: eth0    inet 10.77.0.10/32 scope global eth0\\       valid_lft forever preferred_lft forever'] : []),
    '@@link',
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '2: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:4c:00:0e brd ff:ff:ff:ff:ff:ff',
    '@@ipvs', ipvs,
    ...(ipvs === 'ok' ? ['@@list', o.list ?? IPVS_LIST, '@@stats', IPVS_STATS, '@@rate', IPVS_RATE, '@@syncd', o.syncd ?? '', '@@conns', o.conns ?? ''] : []),
    '@@drained', o.drained ?? '',
    '@@end', '',
  ].join('\n');
}

export function linuxRsOut(o: { address?: string; vipOnLo?: boolean; arpIgnore?: number; listen80?: boolean } = {}): string {
  const a = o.address ?? '10.77.0.16';
  return [
    '@@addr',
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    ...(o.vipOnLo === false ? [] : ['1: lo    inet 10.77.0.10/32 scope global lo\\       valid_lft forever preferred_lft forever']),
    `2: eth0    inet ${a}/24 brd 10.77.0.255 scope global eth0\\       valid_lft forever preferred_lft forever`,
    '@@sysctl',
    `/proc/sys/net/ipv4/conf/all/arp_ignore ${o.arpIgnore ?? 1}`,
    '/proc/sys/net/ipv4/conf/eth0/arp_ignore 0',
    '/proc/sys/net/ipv4/conf/lo/arp_ignore 0',
    '/proc/sys/net/ipv4/conf/all/arp_announce 2',
    '/proc/sys/net/ipv4/conf/eth0/arp_announce 0',
    '@@listen',
    'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*',
    ...(o.listen80 === false ? [] : ['LISTEN 0      5            0.0.0.0:80        0.0.0.0:*']),
    'LISTEN 0      128             [::]:22           [::]:*',
    '@@end', '',
  ].join('\n');
}
