'use strict';
// The console application: login, the live event stream, menus with confirmations, control views.
(function (V) {
  const t = (k, p) => V.t(k, p);
  const $ = (id) => document.getElementById(id);
  const DANGEROUS = ['stop', 'restart', 'swap', 'swap-without-sync', 'force-start', 'failover-off',
    'checkers-suspend', 'checkers-stop', 'cluster-stop', 'cluster-restart'];
  const app = {csrf: null, snap: null, events: null, controlNode: null, controlView: 'resources', logRequest: 0};

  async function api(method, path, body) {
    const headers = {'Accept': 'application/json'};
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = app.csrf || '';
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(path, {method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)});
    let data = null;
    try {
      data = await r.json();
    } catch (e) {
      data = null;
    }
    return {status: r.status, data: data, headers: r.headers};
  }

  function show(view) {
    $('login-view').classList.toggle('hidden', view !== 'login');
    $('app-view').classList.toggle('hidden', view !== 'app');
    $('session-bar').classList.toggle('hidden', view !== 'app');
  }

  function toast(text, bad) {
    const e = V.el('div', {class: 'toast' + (bad ? ' bad' : ''), role: 'status', text: text});
    $('toasts').append(e);
    setTimeout(() => e.remove(), 6000);
  }

  // ---- login ----
  async function login(ev) {
    ev.preventDefault();
    const err = $('login-error');
    err.classList.add('hidden');
    let r;
    try {
      r = await api('POST', '/api/login', {user: $('login-user').value, password: $('login-password').value});
    } catch (e) {
      err.textContent = t('login.error', {message: e.message});
      err.classList.remove('hidden');
      return;
    }
    if (r.status === 200) {
      $('login-password').value = '';
      start(r.data.csrfToken);
      return;
    }
    err.textContent = r.status === 429 ? t('login.rateLimited', {seconds: r.headers.get('Retry-After') || '?'})
      : (r.status === 401 ? t('login.failed') : t('login.error', {message: (r.data && r.data.error) || r.status}));
    err.classList.remove('hidden');
  }

  async function logout() {
    await api('POST', '/api/logout').catch(() => null);
    stopEvents();
    app.csrf = null;
    show('login');
  }

  // ---- live data ----
  function start(csrf) {
    app.csrf = csrf;
    show('app');
    V.renderClusterMenu(clusterAction);
    api('GET', '/api/cluster').then(r => { if (r.status === 200) { render(r.data); } });
    connectEvents();
  }

  function connectEvents() {
    stopEvents();
    const es = new EventSource('/api/events');
    app.events = es;
    es.addEventListener('cluster', e => render(JSON.parse(e.data)));
    es.onopen = () => live(true);
    es.onerror = () => {
      live(false);
      if (es.readyState === EventSource.CLOSED) {
        // Closed for good (e.g. 401 after the session expired): ask the server what happened.
        setTimeout(async () => {
          const r = await api('GET', '/api/session').catch(() => ({status: 0}));
          if (r.status === 401) {
            show('login');
          } else if (app.events === es) {
            connectEvents();
          }
        }, 1500);
      }
    };
  }

  function stopEvents() {
    if (app.events) {
      app.events.close();
      app.events = null;
    }
    live(false);
  }

  function live(on) {
    $('live').classList.toggle('on', on);
    $('live-text').textContent = t(on ? 'live.connected' : 'live.reconnecting');
  }

  function render(snap) {
    app.snap = snap;
    $('cluster-name').textContent = t('header.cluster', {name: snap.clusterName});
    $('cluster-vip').textContent = snap.vip ? t('header.vip', {vip: snap.vip}) : t('header.noVip');
    $('console-node').textContent = t('header.consoleOn', {node: 'node' + snap.consoleNode});
    V.renderNodes(snap, nodeAction, V.openMenu);
    const warnings = [...new Set(snap.nodes.filter(n => n.reachable).flatMap(n => n.status.node.warnings || []))];
    $('warnings').replaceChildren(...warnings.map(w => V.el('div', {text: w})));
    $('warnings').classList.toggle('hidden', warnings.length === 0);
    renderControl(false);
  }

  // ---- actions ----
  function names(node) {
    const peer = app.snap.nodes.find(n => n.id !== node.id);
    const byState = (s) => app.snap.nodes.find(n => n.reachable && n.status.node.state === s);
    return {node: node.name, peer: peer ? peer.name : '', prim: (byState('PRIM') || node).name,
      second: (byState('SECOND') || peer || node).name};
  }

  function confirmThen(title, text, dangerous) {
    const dlg = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    $('confirm-ok').classList.toggle('danger', dangerous);
    return new Promise(resolve => {
      dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), {once: true});
      dlg.returnValue = '';
      dlg.showModal();
    });
  }

  async function nodeAction(node, action) {
    V.closeMenus();
    if (action === 'estimate') {
      estimate(node);
      return;
    }
    if (action === 'dump') {
      dump(node);
      return;
    }
    const ok = await confirmThen(t('confirm.title', {action: t('menu.' + action), node: node.name}),
      t('confirm.' + action, names(node)), DANGEROUS.includes(action));
    if (!ok) {
      return;
    }
    const r = await api('POST', '/api/nodes/' + node.id + '/commands/' + action).catch(e => ({status: 0, data: {error: e.message}}));
    report(r);
  }

  async function clusterAction(action) {
    V.closeMenus();
    const ok = await confirmThen(t('confirm.clusterTitle', {action: t('menu.' + action)}), t('confirm.' + action),
      DANGEROUS.includes(action));
    if (!ok) {
      return;
    }
    const r = await api('POST', '/api/cluster/commands/' + action.substring('cluster-'.length))
      .catch(e => ({status: 0, data: {error: e.message}}));
    if (r.data && r.data.results) {
      r.data.results.forEach(x => report({status: x.accepted ? 200 : 409, data: x}));
    } else {
      report(r);
    }
  }

  // Expert "estimate data sync": a measurement, not a command, so no confirmation.
  async function estimate(node) {
    const r = await api('GET', '/api/nodes/' + node.id + '/estimate').catch(e => ({status: 0, data: {error: e.message}}));
    if (r.status === 200) {
      toast(t('result.estimate', {node: node.name, method: t('estimate.' + r.data.method),
        bytes: formatBytes(r.data.bytes), detail: r.data.detail}), false);
    } else {
      report(r);
    }
  }

  // Support "dump": written on the node, which keeps its last 3; the snapshot zips them.
  async function dump(node) {
    const r = await api('POST', '/api/nodes/' + node.id + '/dump').catch(e => ({status: 0, data: {error: e.message}}));
    if (r.status === 200) {
      toast(t('result.dump', {node: node.name, path: r.data.path, bytes: formatBytes(r.data.bytes)}), false);
    } else {
      report(r);
    }
  }

  function formatBytes(b) {
    return b < 10240 ? b + ' B' : b < 10485760 ? (b / 1024).toFixed(1) + ' KiB' : (b / 1048576).toFixed(1) + ' MiB';
  }

  function report(r) {
    if (r.status === 401) {
      show('login');
    } else if (r.data && r.data.nodeId !== undefined) {
      const node = 'node' + r.data.nodeId;
      toast(t(r.data.accepted ? 'result.accepted' : 'result.refused', {node: node, message: r.data.message}),
        !r.data.accepted);
    } else {
      toast(t('result.failed', {message: (r.data && r.data.error) || ('HTTP ' + r.status)}), true);
    }
  }

  // ---- control tab ----
  function controlNode() {
    if (!app.snap) {
      return null;
    }
    const id = app.controlNode || app.snap.consoleNode;
    return app.snap.nodes.find(n => n.id === id);
  }

  function renderControl(fetchLogs) {
    if (!app.snap || $('pane-control').classList.contains('hidden')) {
      return;
    }
    const node = controlNode();
    $('control-nodes').replaceChildren(...app.snap.nodes.map(n => V.el('button', {type: 'button',
      class: n.id === node.id ? 'active' : '', data: {node: String(n.id)}, text: n.name,
      onclick: () => { app.controlNode = n.id; renderControl(true); }})));
    document.querySelectorAll('#control-tabs .subtab').forEach(b =>
      b.classList.toggle('active', b.dataset.view === app.controlView));
    const isLog = ['module', 'application', 'commands'].includes(app.controlView);
    $('log-toolbar').classList.toggle('hidden', !isLog);
    $('verbose-wrap').classList.toggle('hidden', app.controlView !== 'module');
    const body = $('control-body');
    if (!node.reachable) {
      body.replaceChildren(V.el('p', {class: 'error', text: t('control.unreachable', {node: node.name, message: node.error})}));
      return;
    }
    if (app.controlView === 'resources') {
      // Rebuilt only when something shown changed, so the hover title under the mouse stays put.
      const key = JSON.stringify([node.id, node.status.resources]);
      if (fetchLogs || key !== app.resourcesKey || !body.querySelector('table.resources')) {
        app.resourcesKey = key;
        body.replaceChildren(V.renderResources(node));
      }
    } else if (app.controlView === 'information') {
      body.replaceChildren(V.renderInformation(node, app.snap));
    } else if (isLog && fetchLogs) {
      loadLog(node);
    }
  }

  async function loadLog(node) {
    const verbose = $('log-verbose').checked;
    const base = '/api/nodes/' + node.id + '/logs/' + app.controlView + '?verbose=' + verbose;
    $('log-save').href = base + '&limit=5000&download=true';
    $('log-save').setAttribute('download', node.name + '-' + app.controlView + '.log');
    const request = ++app.logRequest;
    const r = await api('GET', base + '&limit=500');
    if (request !== app.logRequest) {
      return; // the operator switched to another log or node meanwhile: that answer is stale
    }
    const pre = V.el('pre', {class: 'log', id: 'log-lines'});
    if (r.status === 200) {
      pre.textContent = r.data.lines.length ? r.data.lines.join('\n') : t('control.empty');
    } else {
      pre.textContent = t('result.failed', {message: (r.data && r.data.error) || r.status});
    }
    $('control-body').replaceChildren(pre);
    pre.scrollTop = pre.scrollHeight;
  }

  function selectTab(tab) {
    document.querySelectorAll('.tab').forEach(b => b.classList.toggle('active', b.dataset.tab === tab));
    $('pane-monitoring').classList.toggle('hidden', tab !== 'monitoring');
    $('pane-control').classList.toggle('hidden', tab !== 'control');
    renderControl(true);
  }

  async function init() {
    await V.loadI18n();
    // Issue 12: plain HTTP only when configured so; say what it exposes before the password is typed.
    $('login-insecure').classList.toggle('hidden', location.protocol !== 'http:');
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('cluster-menu-button').addEventListener('click', e => { e.stopPropagation(); V.toggleMenu('cluster-menu'); });
    document.addEventListener('click', e => { if (!e.target.closest('.menu')) { V.closeMenus(); } });
    document.addEventListener('keydown', e => { if (e.key === 'Escape') { V.closeMenus(); } });
    document.querySelectorAll('.tab').forEach(b => b.addEventListener('click', () => selectTab(b.dataset.tab)));
    document.querySelectorAll('#control-tabs .subtab').forEach(b => b.addEventListener('click', () => {
      app.controlView = b.dataset.view;
      renderControl(true);
    }));
    $('log-refresh').addEventListener('click', () => renderControl(true));
    $('log-verbose').addEventListener('change', () => renderControl(true));
    const r = await api('GET', '/api/session').catch(() => ({status: 0}));
    if (r.status === 200) {
      start(r.data.csrfToken);
    } else {
      show('login');
      $('login-password').focus();
    }
  }

  document.addEventListener('DOMContentLoaded', init);
})(window.Vigil);
