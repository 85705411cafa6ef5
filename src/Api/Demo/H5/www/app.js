// The member-journey demo: plays the brand's mini-program in a browser. Every call is the one the real
// mini-program makes to our API; wx.* calls go to the WeChat simulator through /demo/sim (same origin).
'use strict';

const TERMS_VERSION = '2026-01';
const PRIVACY_VERSION = '2026-01';
const KIND_LABELS = {
  Birthday: '生日祝福', BirthdayGift: '生日礼', PointsExpiring: '积分到期提醒', TierChanged: '等级变更',
  PointsEarned: '积分到账', Campaign: '活动',
};

// ---- state: several simulated WeChat users side by side (a switcher), kept in this browser only ----
const state = {
  users: JSON.parse(localStorage.getItem('wl-demo-users') || '[]'),
  current: localStorage.getItem('wl-demo-current'),
  scene: new URLSearchParams(location.search).get('scene'),
  timers: [],
};
function save() {
  localStorage.setItem('wl-demo-users', JSON.stringify(state.users));
  if (state.current) localStorage.setItem('wl-demo-current', state.current);
}
function me() { return state.users.find(u => u.unionid === state.current); }

// ---- transport ----
async function readBody(res) {
  const text = await res.text();
  try { return text ? JSON.parse(text) : null; } catch { return text; }
}
function problem(body, res) {
  const title = body && (body.detail || body.title || body.errMsg || body.errmsg);
  return new Error(title ? `${title}` : `HTTP ${res.status}`);
}
async function sim(path, body) {
  const res = await fetch('/demo/sim/' + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const data = await readBody(res);
  if (!res.ok) throw problem(data, res);
  return data;
}
async function api(path, options = {}, retried = false) {
  const user = me();
  const headers = { 'content-type': 'application/json', ...(options.headers || {}) };
  if (user && user.accessToken) headers.authorization = 'Bearer ' + user.accessToken;
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401 && user && user.refreshToken && !retried) {
    // Access tokens live 15 minutes; the refresh token rotates on every use, as the mini-program does it.
    const r = await fetch('/api/mp/token/refresh', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: user.refreshToken }),
    });
    if (r.ok) { Object.assign(user, pick(await r.json())); save(); return api(path, options, true); }
    await wxLogin(user);
    return api(path, options, true);
  }
  const data = await readBody(res);
  if (!res.ok) throw problem(data, res);
  return data;
}
function pick(login) {
  return { accessToken: login.accessToken, refreshToken: login.refreshToken, registered: login.registered, memberNo: login.memberNo };
}
// wx.login in the simulator, then our /api/mp/login: what the mini-program does on every launch.
async function wxLogin(user) {
  const { code } = await sim(`users/${user.unionid}/login`, {});
  const login = await api('/api/mp/login', { method: 'POST', body: JSON.stringify({ code }) }, true);
  Object.assign(user, pick(login));
  save();
  return login;
}

// ---- little view helpers ----
const $view = () => document.getElementById('view');
function h(html) { $view().innerHTML = html; }
function esc(s) { return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]); }
function yuan(fen) { return (fen / 100).toFixed(2); }
function toast(text, ms = 2000) {
  const t = document.getElementById('toast');
  t.textContent = text; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, ms);
}
function title(text) { document.getElementById('title').textContent = text; }
function clearTimers() { state.timers.forEach(clearInterval); state.timers = []; }
function qrImg(text) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(6, 2);
}
function sleep(ms) { return new Promise(r => setTimeout(r, ms)); }

// ---- users ----
function renderSwitcher() {
  const select = document.getElementById('user-switch');
  select.innerHTML = state.users.length === 0 ? '<option value="">（没有用户）</option>' :
    state.users.map(u => `<option value="${esc(u.unionid)}" ${u.unionid === state.current ? 'selected' : ''}>${esc(u.label)}</option>`).join('');
}
async function newUser() {
  const created = await sim('users', {});
  const user = { unionid: created.unionid, miniOpenId: created.mini_openid, oaOpenId: created.oa_openid, label: `微信用户 ${state.users.length + 1}` };
  state.users.push(user);
  state.current = user.unionid;
  save();
  renderSwitcher();
  await wxLogin(user);
  return user;
}

// ---- join: a store QR opens the join page with scene s=<store>; terms first, as the mini-program must ----
async function viewJoin() {
  title('扫码入会');
  const user = me();
  const scene = state.scene;
  if (!scene) {
    const stores = await api('/demo/api/stores');
    h(`<div class="card"><h3>扫描门店二维码</h3><p class="muted">选择一家门店，相当于在店内用微信扫描该店的入会码（scene s=门店编码）。</p>
      <div class="stores">${stores.map(s => `<button data-scene="s=${esc(s.code)}">${esc(s.name)} <span class="muted">${esc(s.city)} · ${esc(s.code)}</span></button>`).join('')}</div></div>`);
    $view().querySelectorAll('[data-scene]').forEach(b => b.onclick = () => { state.scene = b.dataset.scene; viewJoin(); });
    return;
  }
  h(`<div class="card"><h3>欢迎加入会员</h3><p class="muted">来源：${esc(scene)}</p>
    <div class="terms" id="terms"><b>会员服务协议（${TERMS_VERSION}）</b><p>加入即表示您同意本品牌会员计划的积分、等级与权益规则……</p>
      <b>隐私政策（${PRIVACY_VERSION}）</b><p>我们收集您的微信身份标识用于识别会员，手机号经您授权后仅用于会员服务，加密保存；您可随时注销账户……</p></div>
    <label><input type="checkbox" id="agree" style="width:auto"> 我已阅读并同意《会员服务协议》和《隐私政策》</label>
    <label>昵称</label><input id="nickname" maxlength="32" placeholder="选填">
    <label>生日</label><div class="row"><input id="bm" type="number" min="1" max="12" placeholder="月"><input id="bd" type="number" min="1" max="31" placeholder="日"></div>
    <button class="block" id="join" disabled>同意并加入</button></div>`);
  const agree = document.getElementById('agree');
  agree.onchange = () => { document.getElementById('join').disabled = !agree.checked; };
  document.getElementById('join').onclick = async () => {
    const month = +document.getElementById('bm').value, day = +document.getElementById('bd').value;
    const body = {
      termsVersion: TERMS_VERSION, privacyVersion: PRIVACY_VERSION, scene,
      nickname: document.getElementById('nickname').value || null,
      birthday: month && day ? { month, day } : null,
    };
    try {
      await api('/api/members', { method: 'POST', body: JSON.stringify(body) });
      user.registered = true; save();
      state.scene = null;
      toast('入会成功');
      location.hash = '#/card';
    } catch (e) { toast('入会失败：' + e.message, 3500); }
  };
}

// ---- member card: tier, benefits, points, progress, the dynamic code as a QR that refreshes ----
async function viewCard() {
  title('会员卡');
  const card = await api('/api/members/me');
  const p = card.progress;
  const spend = card.netSpendFen;
  const percent = p ? Math.min(100, Math.round(100 * spend / (spend + p.remainingFen))) : 100;
  h(`<div class="card member-card tier-${esc(card.tier.code)}" id="member-card">
      <div class="row"><h2>${esc(card.tier.name)}</h2><span class="muted">No. ${esc(card.memberNo)}</span></div>
      <div class="muted">${esc(card.nickname || '会员')} · ${esc(card.storeName || '')}</div>
      <div class="row" style="margin-top:10px"><div><div class="big" id="points">${card.points.available}</div><div class="muted">可用积分</div></div>
        <div><div class="big" style="font-size:20px" id="pending">${card.points.pending}</div><div class="muted">待生效</div></div></div>
      ${card.points.expiringSoon > 0 ? `<div class="muted">${card.points.expiringSoon} 积分将于 ${esc(card.points.expiringSoonDate)} 到期</div>` : ''}
      <div class="progress"><i style="width:${percent}%"></i></div>
      <div class="muted" id="progress">${p ? `再消费 ¥${esc(p.remainingYuan)} 升级为 ${esc(p.nextTierName)}` : '已是最高等级'}</div>
    </div>
    <div class="card"><div class="row"><b>会员码</b><span class="muted" id="code-expiry"></span></div>
      <div class="qr"><img id="code-qr" alt="会员码"></div><div class="code-text" id="code-text"></div>
      <p class="muted">门店收银扫描此码记录消费与积分，约每分钟刷新。</p></div>
    <div class="card"><b>等级权益</b><div>${card.tier.benefits.map(b => `<span class="tag">${esc(b)}</span>`).join('')}</div></div>
    <div class="card"><b>积分明细</b><ul class="plain" id="ledger"></ul></div>`);
  const refreshCode = async () => {
    const code = await api('/api/members/me/code');
    const img = document.getElementById('code-qr');
    if (!img) return;
    img.src = qrImg(code.code);
    document.getElementById('code-text').textContent = code.code;
    document.getElementById('code-expiry').textContent = '有效至 ' + new Date(code.expiresAt).toLocaleTimeString('zh-CN');
  };
  await refreshCode();
  state.timers.push(setInterval(() => refreshCode().catch(() => {}), 30_000));
  const history = await api('/api/members/me/points');
  document.getElementById('ledger').innerHTML = history.items.length === 0 ? '<li class="muted">暂无积分记录</li>' :
    history.items.slice(0, 20).map(i => `<li class="row"><span>${esc(entryLabel(i))}<br><span class="muted">${new Date(i.createdAt).toLocaleString('zh-CN')}</span></span>
      <span class="${i.delta + i.pendingDelta >= 0 ? 'plus' : 'minus'}">${i.delta + i.pendingDelta >= 0 ? '+' : ''}${i.delta + i.pendingDelta}</span></li>`).join('');
}
function entryLabel(i) {
  const labels = { Earn: '消费得积分', Redeem: '积分抵现', Expire: '积分过期', Refund: '退款扣回', Adjust: '人工调整', Release: '积分解冻',
    PendingRelease: '待生效积分生效', Reserve: '下单预留', Restore: '预留退回', Reward: '奖励', Claim: '补录消费积分' };
  return (labels[i.kind] || i.kind) + (i.reason ? ` · ${i.reason}` : '');
}

// ---- pay: order (optionally with points), wx.requestPayment in the simulator, watch the points arrive ----
async function viewPay() {
  title('买单');
  const [card, stores] = await Promise.all([api('/api/members/me'), api('/demo/api/stores')]);
  h(`<div class="card"><h3>在线买单</h3>
      <label>门店</label><select id="store">${stores.map(s => `<option value="${esc(s.code)}" ${s.code === card.storeCode ? 'selected' : ''}>${esc(s.name)}</option>`).join('')}</select>
      <label>金额（元）</label><input id="amount" type="number" min="0.01" step="0.01" value="268.50">
      <label>使用积分（可用 ${card.points.available}，500 的倍数，最多抵扣 50%）</label><input id="redeem" type="number" min="0" step="500" value="0">
      <button class="block" id="pay">微信支付</button></div>
    <div class="card" id="result" hidden></div>`);
  document.getElementById('pay').onclick = async () => {
    const button = document.getElementById('pay');
    button.disabled = true;
    const result = document.getElementById('result');
    try {
      const amountFen = Math.round(parseFloat(document.getElementById('amount').value) * 100);
      const redeem = parseInt(document.getElementById('redeem').value || '0', 10);
      const before = card.points.available + card.points.pending;
      const created = await api('/api/orders', { method: 'POST', body: JSON.stringify({
        amountFen, storeCode: document.getElementById('store').value, description: '演示商品', redeemPoints: redeem > 0 ? redeem : null,
      }) });
      const order = created.order;
      result.hidden = false;
      result.innerHTML = `<b>订单 ${esc(order.outTradeNo)}</b><p>应付 ¥${yuan(order.chargeFen)}${order.redeemedPoints ? `（积分抵扣 ${order.redeemedPoints}）` : ''}</p><p id="pay-status">正在拉起微信支付…</p>`;
      // wx.requestPayment(created.requestPayment): the simulator plays the cashier and then notifies our API.
      await sim(`pay/${encodeURIComponent(order.outTradeNo)}/pay`, {});
      document.getElementById('pay-status').textContent = '支付成功，等待积分到账…';
      let paid = null;
      for (let i = 0; i < 40 && !paid; i++) {
        const o = await api('/api/orders/' + encodeURIComponent(order.outTradeNo));
        if (o.status === 'Paid') paid = o; else await sleep(500);
      }
      const after = await api('/api/members/me');
      const gained = after.points.available + after.points.pending - before + (order.redeemedPoints || 0);
      document.getElementById('pay-status').innerHTML = paid
        ? `<span id="points-arrived">积分 +${paid.pointsEarned ?? gained}</span>，当前等级 ${esc(after.tier.name)}，可用积分 ${after.points.available}${after.points.pending ? `，待生效 ${after.points.pending}` : ''}`
        : '<span class="error">支付结果尚未确认（微信会重试通知）</span>';
    } catch (e) {
      toast('支付失败：' + e.message, 3500);
    } finally { button.disabled = false; }
  };
}

// ---- messages: subscription consent, and what WeChat delivered to this user (the simulator's record) ----
async function viewMessages() {
  title('消息');
  const user = me();
  let templates = [];
  try { templates = await api('/api/members/me/subscriptions/templates'); } catch { templates = []; }
  h(`<div class="card"><b>订阅消息</b><p class="muted">小程序在合适的时机调用 wx.requestSubscribeMessage；每次“允许”可收到一条对应消息。</p>
      <div id="consent">${templates.length === 0 ? '<span class="muted">暂无可订阅的消息模板</span>' :
        templates.map(t => `<div class="row" style="margin:6px 0"><span>${esc(t.title || KIND_LABELS[t.kind] || t.kind)}</span>
          <span><button class="ghost" data-t="${esc(t.templateId)}" data-d="accept">允许</button><button class="ghost" data-t="${esc(t.templateId)}" data-d="reject">拒绝</button></span></div>`).join('')}</div></div>
    <div id="inbox"></div>`);
  $view().querySelectorAll('[data-t]').forEach(b => b.onclick = async () => {
    try {
      const decisions = { [b.dataset.t]: b.dataset.d };
      const result = await sim(`users/${user.unionid}/subscribe-consent`, { decisions });
      await api('/api/members/me/subscriptions', { method: 'POST', body: JSON.stringify({ results: { [b.dataset.t]: result[b.dataset.t] } }) });
      toast(result[b.dataset.t] === 'accept' ? '已允许，可收到一次该消息' : '已拒绝');
    } catch (e) { toast('订阅失败：' + e.message, 3500); }
  });
  const render = async () => {
    const all = await sim('messages?user=' + encodeURIComponent(user.unionid)).catch(() => []);
    const items = (Array.isArray(all) ? all : all.items || []).filter(m => !m.touser || [user.miniOpenId, user.oaOpenId].includes(m.touser) || m.unionid === user.unionid);
    const inbox = document.getElementById('inbox');
    if (!inbox) return;
    inbox.innerHTML = items.length === 0 ? '<div class="card muted">还没有收到消息</div>' : items.slice().reverse().map(m => `<div class="msg">
        <div class="kind">${esc(m.channel === 'subscribe' || m.kind === 'subscribe' ? '小程序订阅消息' : '公众号模板消息')}</div>
        ${Object.entries(m.data || {}).map(([k, v]) => `<div><span class="muted">${esc(k)}</span> ${esc(v && v.value !== undefined ? v.value : v)}</div>`).join('')}
        <div class="muted">${esc(m.sent_at || m.created_at || '')}</div></div>`).join('');
  };
  await render();
  state.timers.push(setInterval(() => render().catch(() => {}), 3000));
}

// ---- referral: share the card into a group chat, open it as another user ----
async function viewReferral() {
  title('邀请好友');
  let card;
  try { card = await api('/api/members/me/referral-card'); } catch (e) {
    h(`<div class="card muted">邀请功能暂不可用：${esc(e.message)}</div>`); return;
  }
  const rewards = await api('/api/members/me/referrals').catch(() => null);
  h(`<div class="card"><b>${esc(card.title)}</b><p class="muted">${esc(card.path)}</p>
      ${card.posterUrl ? `<div class="qr"><img id="poster" src="${esc(card.posterUrl)}" alt="海报" style="width:220px;height:auto"></div>` : ''}
      <button class="block" id="share">分享到群聊「同事群」</button></div>
    <div class="card group-chat" id="chat"></div>
    <div class="card"><b>我邀请的好友</b><div id="friends">${rewards ? renderReferrals(rewards) : '<span class="muted">暂无</span>'}</div></div>`);
  const chat = JSON.parse(localStorage.getItem('wl-demo-chat') || '[]');
  const renderChat = () => {
    document.getElementById('chat').innerHTML = '<div class="muted">群聊「同事群」（模拟）</div>' + (chat.length === 0 ? '<p class="muted">群里还没有卡片</p>' :
      chat.map((c, i) => `<div class="bubble" data-i="${i}"><b>${esc(c.from)}</b> 分享了小程序卡片<br>${esc(c.title)}<div class="muted">点击以当前用户身份打开</div></div>`).join(''));
    document.querySelectorAll('.bubble').forEach(b => b.onclick = () => openCard(chat[+b.dataset.i]));
  };
  renderChat();
  document.getElementById('share').onclick = () => {
    chat.push({ from: me().label, title: card.title, path: card.path, code: card.code || new URLSearchParams(card.path.split('?')[1] || '').get('r') });
    localStorage.setItem('wl-demo-chat', JSON.stringify(chat));
    renderChat();
    toast('已分享到群聊');
  };
}
function renderReferrals(r) {
  const friends = r.friends || r.items || [];
  return (friends.length === 0 ? '<span class="muted">暂无</span>' : '<ul class="plain">' + friends.map(f => `<li class="row"><span>${esc(f.name || f.maskedName || '好友')}</span>
    <span class="tag">${esc(f.rewardStatus || f.status || '')}</span></li>`).join('') + '</ul>') +
    (r.pendingPoints !== undefined ? `<p class="muted">待发放 ${r.pendingPoints} 积分 · 已发放 ${r.paidPoints ?? 0} 积分</p>` : '');
}
// Opening a shared card: the mini-program launches with the card's path; from a group it also gets the
// encrypted share info (wx.getShareInfo), which our API decrypts with this user's session key.
async function openCard(c) {
  const user = me();
  try {
    const shareInfo = await sim(`users/${user.unionid}/share-info`, { group: 'demo-group-colleagues' }).catch(() => null);
    await api('/api/referrals/opens', { method: 'POST', body: JSON.stringify({
      code: c.code, scene: 1044, encryptedData: shareInfo && shareInfo.encryptedData, iv: shareInfo && shareInfo.iv,
    }) });
  } catch (e) { toast('打开卡片：' + e.message, 2500); }
  if (!user.registered) { state.scene = 'r=' + c.code; location.hash = '#/join'; } else toast('已是会员，卡片仅记录打开');
}

// ---- routing ----
const routes = { card: viewCard, pay: viewPay, messages: viewMessages, referral: viewReferral, join: viewJoin };
async function route() {
  clearTimers();
  const name = (location.hash.replace(/^#\//, '') || 'card').split('?')[0];
  document.querySelectorAll('.tabs a').forEach(a => a.classList.toggle('active', a.dataset.tab === name));
  try {
    if (!me()) await newUser();
    const user = me();
    if (!user.accessToken) await wxLogin(user);
    if (!user.registered && name !== 'join' && name !== 'referral') { location.hash = '#/join'; return; }
    await (routes[name] || viewCard)();
  } catch (e) {
    h(`<div class="card error" id="error">出错了：${esc(e.message)}</div>`);
  }
}
document.getElementById('user-switch').onchange = e => { state.current = e.target.value; save(); route(); };
document.getElementById('new-user').onclick = async () => { await newUser(); location.hash = '#/join'; route(); };
window.addEventListener('hashchange', route);
renderSwitcher();
if (state.scene) location.hash = '#/join';
route();
