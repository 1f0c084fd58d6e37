'use strict';
// Rendering of the cluster snapshot (GET /api/cluster, /api/events). Text goes in with textContent
// only, never innerHTML, so nothing a node reports (log lines, reasons) can become markup.
(function (V) {
  const t = (k, p) => V.t(k, p);

  V.el = function (tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) {
        continue;
      }
      if (k === 'text') {
        e.textContent = v;
      } else if (k === 'class') {
        e.className = v;
      } else if (k.startsWith('on')) {
        e.addEventListener(k.substring(2), v);
      } else if (k === 'data') {
        Object.assign(e.dataset, v);
      } else {
        e.setAttribute(k, v === true ? '' : v);
      }
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) {
        e.append(c);
      }
    }
    return e;
  };
  const el = V.el;

  /** State label and SPEC colour of a node entry; an unreachable node is red (unavailable). */
  V.stateOf = function (n) {
    if (!n.reachable) {
      return {state: 'unreachable', colour: 'red'};
    }
    return {state: n.status.node.state, colour: n.status.node.colour.toLowerCase()};
  };

  V.stateBadge = function (n, id) {
    const s = V.stateOf(n);
    return el('span', {class: 'state ' + s.colour, id: id, data: {state: s.state, colour: s.colour},
      title: t('stateHelp.' + s.state), text: t('state.' + s.state)});
  };

  const MENU = [
    {items: ['start', 'stop', 'restart', 'swap']},
    {group: 'menu.expert', items: ['swap-without-sync', 'force-start', 'estimate']},
    {group: 'menu.admin', items: ['failover-on', 'failover-off', 'boot-keep', 'boot-enabled', 'boot-disabled',
      'checkers-suspend', 'checkers-resume', 'checkers-start', 'checkers-stop']},
  ];

  function nodeMenu(n, onAction) {
    const menu = el('div', {class: 'menu hidden', id: 'node-' + n.id + '-menu', role: 'menu'});
    for (const section of MENU) {
      if (section.group) {
        menu.append(el('div', {class: 'group', text: t(section.group)}));
      }
      for (const a of section.items) {
        const av = n.actions[a] || {enabled: false, reason: 'reason.unreachable'};
        const why = av.enabled ? null : t(av.reason);
        menu.append(el('button', {type: 'button', role: 'menuitem', data: {action: a, node: String(n.id)},
          disabled: !av.enabled, title: why, onclick: () => onAction(n, a)},
          el('span', {text: t('menu.' + a)}), why ? el('span', {class: 'why', text: why}) : null));
      }
    }
    menu.append(el('div', {class: 'group', text: t('menu.support')}));
    menu.append(el('button', {type: 'button', role: 'menuitem', data: {action: 'dump', node: String(n.id)},
      disabled: !n.reachable, onclick: () => onAction(n, 'dump')}, el('span', {text: t('menu.dump')})));
    menu.append(el('a', {href: '/api/nodes/' + n.id + '/snapshot', download: 'vigil-snapshot-node' + n.id + '.zip',
      role: 'menuitem', data: {action: 'snapshot', node: String(n.id)}, text: t('menu.snapshot')}));
    menu.append(el('a', {href: '/api/nodes/' + n.id + '/logs/module?verbose=true&limit=5000&download=true',
      download: 'node' + n.id + '-module.log', role: 'menuitem', data: {action: 'save-logs'}, text: t('menu.saveLogs')}));
    return menu;
  }

  function resourcesSummary(n) {
    const rs = n.status.resources;
    if (!rs.length) {
      return t('resources.none');
    }
    const running = rs.filter(r => r.phase === 'RUNNING').length;
    return t('resources.summary', {running: running, total: rs.length});
  }

  /** What the panel shows; the periodic refresh (uptimes) must not rebuild rows under the operator's mouse. */
  function panelKey(snap) {
    return JSON.stringify([snap.dataSyncShown, snap.nodes.map(n => {
      const x = n.reachable ? Object.assign({}, n.status.node, {leaseRemainingMs: 0}) : null;
      return [n.id, n.reachable, n.error, x, n.reachable ? n.status.hostName : null,
        n.reachable ? n.status.resources.map(r => r.phase) : null, n.actions,
        n.reachable && n.status.license ? n.status.license.state : null];
    })]);
  }

  V.renderNodes = function (snap, onAction, openMenuId) {
    const key = panelKey(snap);
    if (key === V.panelKey) {
      return;
    }
    V.panelKey = key;
    const body = document.getElementById('nodes-body');
    const rows = snap.nodes.map(n => {
      const reach = n.reachable;
      const st = reach ? n.status.node : null;
      const menuButton = el('button', {type: 'button', class: 'secondary', id: 'node-' + n.id + '-menu-button',
        'aria-haspopup': 'menu', text: '⋮ ' + t('menu.open', {node: n.name}),
        onclick: (e) => { e.stopPropagation(); V.toggleMenu('node-' + n.id + '-menu'); }});
      return el('tr', {id: 'node-row-' + n.id, data: {node: String(n.id)}},
        el('td', {class: 'node-name', text: n.name}),
        el('td', {}, reach ? n.status.hostName : '—'),
        el('td', {}, V.stateBadge(n, 'node-' + n.id + '-state'),
          el('span', {class: 'reason', text: reach ? st.reason : (n.error || '')}),
          reach && n.status.license && n.status.license.state === 'unlicensed'
            ? el('span', {class: 'sub license-warning', id: 'node-' + n.id + '-license', text: t('license.unlicensed')}) : null),
        el('td', {class: 'sync-col', id: 'node-' + n.id + '-sync', text: reach ? t('sync.' + st.sync) : '—'}),
        el('td', {text: reach ? t('services.' + st.services) : '—'}),
        el('td', {text: reach ? resourcesSummary(n) : '—'}),
        el('td', {}, reach ? t(st.failoverEnabled ? 'failover.on' : 'failover.off') : '—',
          reach && st.recentFailovers > 0 ? el('span', {class: 'sub', text: t('failover.recent', {count: st.recentFailovers})}) : null),
        el('td', {}, el('div', {class: 'menu-wrap'}, menuButton, nodeMenu(n, onAction))));
    });
    body.replaceChildren(...rows);
    document.querySelectorAll('.sync-col').forEach(c => c.classList.toggle('hidden', !snap.dataSyncShown));
    if (openMenuId && document.getElementById(openMenuId)) {
      document.getElementById(openMenuId).classList.remove('hidden');
    }
  };

  V.renderClusterMenu = function (onClusterAction) {
    const menu = document.getElementById('cluster-menu');
    menu.replaceChildren(...['cluster-start', 'cluster-stop', 'cluster-restart'].map(a =>
      el('button', {type: 'button', role: 'menuitem', data: {action: a}, text: t('menu.' + a),
        onclick: () => onClusterAction(a)})));
  };

  V.toggleMenu = function (id) {
    const m = document.getElementById(id);
    const wasHidden = m.classList.contains('hidden');
    V.closeMenus();
    if (wasHidden) {
      m.classList.remove('hidden');
      V.openMenu = id;
    }
  };

  V.closeMenus = function () {
    document.querySelectorAll('.menu').forEach(m => m.classList.add('hidden'));
    V.openMenu = null;
  };

  V.duration = function (ms) {
    const s = Math.floor(ms / 1000);
    if (s < 120) {
      return t('duration.s', {n: s});
    } else if (s < 7200) {
      return t('duration.m', {n: Math.floor(s / 60)});
    } else if (s < 172800) {
      return t('duration.h', {n: Math.floor(s / 3600)});
    }
    return t('duration.d', {n: Math.floor(s / 86400)});
  };

  V.renderResources = function (n) {
    const head = el('tr', {}, ['res.name', 'res.phase', 'res.pid', 'res.restarts', 'res.detail'].map(k =>
      el('th', {text: t(k)})));
    const rows = n.status.resources.map(r => el('tr', {data: {resource: r.name}},
      el('td', {title: t('res.internal', {name: r.name}), text: r.description || r.name}),
      el('td', {}, el('span', {class: 'state ' + phaseColour(r.phase), text: t('phase.' + r.phase)})),
      el('td', {text: r.pid > 0 ? String(r.pid) : '—'}),
      el('td', {text: String(r.restarts)}),
      el('td', {class: 'muted', text: r.detail || ''})));
    return el('table', {class: 'resources'}, el('thead', {}, head), el('tbody', {}, rows));
  };

  function phaseColour(p) {
    if (p === 'RUNNING') {
      return 'green';
    }
    // A stopped resource is normal on the standby node: neutral, not a colour that asks for attention.
    return p === 'STARTING' || p === 'STOPPING' ? 'magenta' : (p === 'FAILED' ? 'red' : 'grey');
  }

  V.renderInformation = function (n, snap) {
    const st = n.status;
    const x = st.node;
    const onOff = (b, on, off) => t(b ? on : off);
    const rows = [
      ['info.nodeId', n.name], ['info.hostName', st.hostName], ['info.cluster', st.clusterName],
      ['info.version', st.version], ['info.uptime', V.duration(st.uptimeMs)],
      ['info.reason', x.reason], ['info.epoch', x.epoch + ' / ' + x.dataEpoch],
      ['info.boot', t('boot.' + x.bootMode)],
      ['info.failover', onOff(x.failoverEnabled, 'failover.on', 'failover.off')],
      ['info.errorDetection', onOff(x.errorDetectionSuspended, 'info.suspended', 'info.active')],
      ['info.checkers', onOff(x.checkersRunning, 'info.running', 'info.stopped')],
      ['info.witness', onOff(x.witnessConfigured, 'info.configured', 'info.notConfigured')],
      ['info.networks', st.networks.map(l => t('info.network', {local: l.local, peer: l.peer,
        ago: l.lastHeardMsAgo < 0 ? t('info.never') : V.duration(l.lastHeardMsAgo)})).join('\n')],
      ['header.vip', snap.vip || t('header.noVip')],
      ['info.license', st.license ? st.license.message : t('info.licenseUnknown')],
      ['info.warnings', (x.warnings || []).join('\n') || '—'],
    ];
    return el('dl', {class: 'info'}, rows.map(([k, v]) => [el('dt', {text: t(k, {vip: ''}).replace(/\s+$/, '')}),
      el('dd', {text: v, class: 'pre-line'})]));
  };
})(window.Vigil);
