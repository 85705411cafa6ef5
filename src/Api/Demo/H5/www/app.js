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
  h(`<div class="card"><h3>欢迎加入会员</h3><p class="muted" id="join-source">${scene.startsWith('r=') ? '好友邀请' : '门店扫码'}（scene ${esc(scene)}）</p>
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
      go('#/card');
    } catch (e) { toast('入会失败：' + e.message, 3500); }
  };
}

// ---- member card: tier, benefits, points, progress, the dynamic code as a QR that refreshes ----
// The card polls every few seconds, so a payment's points, a refund from the console (/console or
// POST /api/admin/orders/{outTradeNo}/refunds) or a referral reward shows up without a reload.
const CARD_POLL_MS = 4000;
async function viewCard() {
  title('会员卡');
  const card = await api('/api/members/me');
  h(`<div class="card member-card" id="member-card">
      <div class="row"><h2 id="tier-name"></h2><span class="muted">No. ${esc(card.memberNo)}</span></div>
      <div class="muted">${esc(card.nickname || '会员')} · ${esc(card.storeName || '')}</div>
      <div class="row" style="margin-top:10px"><div><div class="big" id="points"></div><div class="muted">可用积分</div></div>
        <div><div class="big" style="font-size:20px" id="pending"></div><div class="muted">待生效</div></div></div>
      <div class="muted" id="expiring"></div>
      <div class="progress"><i id="progress-bar"></i></div>
      <div class="muted" id="progress"></div>
    </div>
    <div class="card"><div class="row"><b>会员码</b><span class="muted" id="code-expiry"></span></div>
      <div class="qr"><img id="code-qr" alt="会员码"></div><div class="code-text" id="code-text"></div>
      <p class="muted">门店收银扫描此码记录消费与积分，约每分钟刷新。</p></div>
    <div class="card"><b>等级权益</b><div id="benefits"></div></div>
    <div class="card"><b>积分明细</b><ul class="plain" id="ledger"></ul></div>`);
  const refreshCode = async () => {
    const code = await api('/api/members/me/code');
    const img = document.getElementById('code-qr');
    if (!img) return;
    img.src = qrImg(code.code);
    document.getElementById('code-text').textContent = code.code;
    document.getElementById('code-expiry').textContent = '有效至 ' + new Date(code.expiresAt).toLocaleTimeString('zh-CN');
  };
  fillCard(card);
  await Promise.all([refreshCode(), refreshLedger()]);
  state.timers.push(setInterval(() => refreshCode().catch(() => {}), 30_000));
  state.timers.push(setInterval(async () => {
    try {
      const latest = await api('/api/members/me');
      if (!document.getElementById('member-card')) return;
      fillCard(latest);
      await refreshLedger();
    } catch { /* the next tick tries again */ }
  }, CARD_POLL_MS));
}
function fillCard(card) {
  const p = card.progress;
  const spend = card.netSpendFen;
  const percent = p ? Math.min(100, Math.round(100 * spend / (spend + p.remainingFen))) : 100;
  document.getElementById('member-card').className = `card member-card tier-${card.tier.code}`;
  document.getElementById('tier-name').textContent = card.tier.name;
  document.getElementById('points').textContent = card.points.available;
  document.getElementById('pending').textContent = card.points.pending;
  document.getElementById('expiring').textContent = card.points.expiringSoon > 0 ? `${card.points.expiringSoon} 积分将于 ${card.points.expiringSoonDate} 到期` : '';
  document.getElementById('progress-bar').style.width = percent + '%';
  document.getElementById('progress').textContent = p ? `再消费 ¥${p.remainingYuan} 升级为 ${p.nextTierName}` : '已是最高等级';
  document.getElementById('benefits').innerHTML = card.tier.benefits.map(b => `<span class="tag">${esc(b)}</span>`).join('');
}
async function refreshLedger() {
  const history = await api('/api/members/me/points');
  const ledger = document.getElementById('ledger');
  if (!ledger) return;
  ledger.innerHTML = history.items.length === 0 ? '<li class="muted">暂无积分记录</li>' :
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
      result.innerHTML = `<b>订单 <span id="order-no">${esc(order.outTradeNo)}</span></b><p>应付 ¥${yuan(order.chargeFen)}${order.redeemedPoints ? `（积分抵扣 ${order.redeemedPoints}）` : ''}</p><p id="pay-status">正在拉起微信支付…</p>`;
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
      if (paid) result.insertAdjacentHTML('beforeend', `<p class="muted">退款由品牌一侧发起：控制台 /console（管理员）或
        POST /api/admin/orders/${esc(order.outTradeNo)}/refunds；会员卡页每 ${CARD_POLL_MS / 1000} 秒刷新，可看到积分扣回。</p>`);
    } catch (e) {
      toast('支付失败：' + e.message, 3500);
    } finally { button.disabled = false; }
  };
}

// ---- messages: wx.requestSubscribeMessage (the simulator's popup), and what WeChat delivered to this user ----
async function viewMessages() {
  title('消息');
  const user = me();
  h(`<div class="card"><b>订阅消息</b><p class="muted">小程序在合适的时机调用 wx.requestSubscribeMessage；每次“允许”可收到一条对应的订阅消息。</p>
      <div id="consent"></div></div>
    <div class="card"><div class="row"><b>微信消息</b><span class="muted">服务通知 · 公众号</span></div><div id="inbox"></div></div>`);
  // Templates by id (one template may serve several kinds), with the member's remaining consents.
  const byId = new Map();
  const renderConsent = subs => {
    byId.clear();
    for (const t of subs.templates) {
      if (!byId.has(t.templateId)) byId.set(t.templateId, []);
      byId.get(t.templateId).push(t.kind);
    }
    const credits = new Map(subs.credits.map(c => [c.templateId, c]));
    const el = document.getElementById('consent');
    if (!el) return;
    el.innerHTML = byId.size === 0 ? '<span class="muted">品牌还没有登记订阅消息模板（控制台 · 消息模板）</span>' :
      [...byId.entries()].map(([id, kinds]) => {
        const c = credits.get(id);
        return `<div class="consent-row" data-template="${esc(id)}" style="margin:8px 0">
          <div class="row"><span>${kinds.map(k => `<span class="tag">${esc(KIND_LABELS[k] || k)}</span>`).join('')}</span>
            <span><button class="ghost" data-t="${esc(id)}" data-d="accept">允许</button><button class="ghost" data-t="${esc(id)}" data-d="reject">拒绝</button></span></div>
          <div class="muted">模板 ${esc(id)} · 剩余可发送 <span class="credits">${c ? c.credits : 0}</span> 次${c && c.banned ? ' · 已“总是拒绝”' : ''}</div></div>`;
      }).join('');
    el.querySelectorAll('[data-t]').forEach(b => b.onclick = () => consent(b.dataset.t, b.dataset.d));
  };
  const consent = async (templateId, decision) => {
    try {
      // The popup: WeChat records the decision and returns {errMsg, <templateId>: accept|reject|ban}; the
      // mini-program passes that object to our API as it is.
      const result = await sim(`users/${user.unionid}/subscribe-consent`, { decisions: { [templateId]: decision } });
      renderConsent(await api('/api/members/me/subscriptions', { method: 'POST', body: JSON.stringify({ results: result }) }));
      toast(result[templateId] === 'accept' ? '已允许，可收到一次该消息' : result[templateId] === 'ban' ? '已被设为总是拒绝' : '已拒绝');
    } catch (e) { toast('订阅失败：' + e.message, 3500); }
  };
  renderConsent(await api('/api/members/me/subscriptions'));
  const render = async () => {
    const items = await sim(`users/${encodeURIComponent(user.unionid)}/messages`); // newest first
    const inbox = document.getElementById('inbox');
    if (!inbox) return;
    inbox.innerHTML = items.length === 0 ? '<p class="muted" id="inbox-empty">还没有收到消息</p>' : items.map(m => {
      const kinds = byId.get(m.template_id);
      const oa = m.channel === 'official_account';
      return `<div class="msg" data-channel="${esc(m.channel)}">
        <div class="row"><span class="kind">${oa ? '服务号通知 · 公众号模板消息' : '服务通知 · 小程序订阅消息'}</span>
          <span class="muted">${esc(new Date(m.at).toLocaleString('zh-CN'))}</span></div>
        ${kinds ? `<b>${esc(kinds.map(k => KIND_LABELS[k] || k).join(' / '))}</b>` : ''}
        ${m.fields.map(f => `<div><span class="muted">${esc(f.key)}</span> ${esc(f.value)}</div>`).join('')}
        ${m.page ? `<div class="muted">进入小程序：${esc(m.page)}</div>` : ''}
        ${m.delivered ? '' : `<div class="error">未送达：${esc(m.errmsg || m.job_status || m.errcode)}</div>`}</div>`;
    }).join('');
  };
  await render();
  // A message sent uses a consent credit: the list follows it, as the inbox does.
  state.timers.push(setInterval(() => Promise.all([render(), api('/api/members/me/subscriptions').then(renderConsent)]).catch(() => {}), 3000));
}

// ---- referral: share the card into a simulated group chat, open it there as another user ----
const GROUP = 'demo-group-colleagues';
function chatLog() { return JSON.parse(localStorage.getItem('wl-demo-chat') || '[]'); }
async function viewReferral() {
  title('邀请好友');
  const user = me();
  h(`<div class="card" id="referral-card"></div>
    <div class="card group-chat"><div class="muted">群聊「同事群」（模拟，保存在本浏览器）</div><div id="chat"></div></div>
    <div class="card"><b>我邀请的好友</b><div id="friends"></div></div>`);
  if (user.registered) {
    const card = await api('/api/members/me/referral-card');
    document.getElementById('referral-card').innerHTML = `<b>${esc(card.title)}</b>
      <p class="muted">分享路径 ${esc(card.path)} · 小程序码 scene ${esc(card.scene)}</p>
      <div class="qr"><img id="poster" alt="邀请海报" style="width:220px;height:auto"></div>
      <button class="block" id="share">分享到群聊「同事群」</button>`;
    document.getElementById('share').onclick = () => {
      const chat = chatLog();
      chat.push({ from: user.label, fromUnionid: user.unionid, title: card.title, path: card.path, code: card.code, at: Date.now() });
      localStorage.setItem('wl-demo-chat', JSON.stringify(chat));
      renderChat();
      toast('已分享到群聊');
    };
    loadPoster(card.posterUrl).catch(e => { const p = document.getElementById('poster'); if (p) p.alt = '海报暂不可用：' + e.message; });
  } else {
    document.getElementById('referral-card').innerHTML = '<span class="muted">入会后可以邀请好友。群里有好友分享的卡片时，点击即可打开。</span>';
  }
  const renderChat = () => {
    const chat = chatLog();
    const el = document.getElementById('chat');
    if (!el) return;
    el.innerHTML = chat.length === 0 ? '<p class="muted">群里还没有卡片</p>' : chat.map((c, i) => `<div class="bubble" data-i="${i}">
        <b>${esc(c.from)}</b> 分享了小程序卡片<br>${esc(c.title)}<div class="muted">点击以「${esc(me().label)}」的身份打开</div></div>`).join('');
    el.querySelectorAll('.bubble').forEach(b => b.onclick = () => openCard(chatLog()[+b.dataset.i]));
  };
  renderChat();
  if (!user.registered) { document.getElementById('friends').innerHTML = '<span class="muted">暂无</span>'; return; }
  const refresh = async () => {
    const mine = await api('/api/members/me/referrals');
    const el = document.getElementById('friends');
    if (!el) return;
    el.innerHTML = renderReferrals(mine) + (mine.pendingPoints > 0 ? `<button class="secondary block" id="release">立即运行奖励发放任务（演示）</button>
      <p class="muted">发放任务每 15 分钟运行一次，只发放退货期已结束的奖励。</p>` : '');
    const button = document.getElementById('release');
    if (button) button.onclick = async () => {
      button.disabled = true;
      try {
        const res = await fetch('/demo/api/referrals/release', { method: 'POST' });
        if (!res.ok) throw problem(await readBody(res), res);
        await refresh();
        toast('发放任务已运行');
      } catch (e) { toast('发放失败：' + e.message, 3500); button.disabled = false; }
    };
  };
  await refresh();
  state.timers.push(setInterval(() => refresh().catch(() => {}), 4000));
}
// The poster needs the member's token, so an <img src> cannot fetch it directly.
async function loadPoster(url) {
  const user = me();
  const res = await fetch(url, { headers: { authorization: 'Bearer ' + user.accessToken } });
  if (!res.ok) throw problem(await readBody(res), res);
  const img = document.getElementById('poster');
  if (img) img.src = URL.createObjectURL(await res.blob());
}
const REFERRAL_STATUS = {
  AwaitingPurchase: '已入会，待首次消费', RewardPending: '奖励待发放', RewardPaid: '奖励已发放', RewardRefused: '奖励未发放', RewardReversed: '已退款，奖励取消',
};
function renderReferrals(r) {
  const day = d => new Date(d).toLocaleDateString('zh-CN');
  const friends = r.friends.length === 0 ? '<p class="muted">还没有好友通过你的邀请入会</p>' : '<ul class="plain">' + r.friends.map(f => `<li class="friend" data-status="${esc(f.status)}">
      <div class="row"><span>${esc(f.name)} <span class="muted">${day(f.joinedAt)} 入会</span></span><span class="tag">${esc(REFERRAL_STATUS[f.status] || f.status)}</span></div>
      ${f.status === 'RewardPending' ? `<div class="muted">${f.rewardPoints} 积分，退货期结束后于 ${day(f.rewardPendingUntil)} 发放</div>` : ''}
      ${f.status === 'RewardPaid' ? `<div class="muted">${f.rewardPoints} 积分已于 ${day(f.rewardPaidAt)} 发放</div>` : ''}
      ${f.reason ? `<div class="muted">${esc(f.reason)}</div>` : ''}</li>`).join('') + '</ul>';
  return `<div class="row"><span>入会 <b id="ref-joined">${r.joined}</b> · 消费 <b>${r.purchased}</b></span>
      <span>待发放 <b id="ref-pending">${r.pendingPoints}</b> · 已发放 <b id="ref-paid">${r.paidPoints}</b> 积分</span></div>` + friends;
}
// Opening a shared card from a group: the mini-program launches with the card's path (scene 1008, a group
// chat's card) and gets the encrypted share info (wx.getShareInfo), which our API decrypts with this user's
// session key to learn the group. Then a new user joins with the code (r=<code>).
async function openCard(c) {
  const user = me();
  try {
    if (!user.accessToken) await wxLogin(user);
    const shareInfo = await sim(`users/${user.unionid}/share-info`, { group: GROUP });
    const opened = await api('/api/referrals/opens', { method: 'POST', body: JSON.stringify({
      code: c.code, scene: 1008, encryptedData: shareInfo.encryptedData, iv: shareInfo.iv,
    }) });
    if (!opened.recorded) { toast('这是你自己的邀请卡片'); return; }
  } catch (e) { toast('打开卡片失败：' + e.message, 3500); return; }
  if (!user.registered) { state.scene = 'r=' + c.code; go('#/join'); } else toast('你已是会员，本次打开仅作记录');
}

// ---- routing ----
function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }
const routes = { card: viewCard, pay: viewPay, messages: viewMessages, referral: viewReferral, join: viewJoin };
// One view at a time: a switch of user and a change of tab in quick succession must not let the slower,
// older view draw over the newer one, so views render in turn.
let routing = Promise.resolve();
function route() { routing = routing.then(renderRoute, renderRoute); return routing; }
async function renderRoute() {
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
document.getElementById('new-user').onclick = async () => { clearTimers(); await newUser(); state.scene = null; go('#/join'); };
window.addEventListener('hashchange', route);
renderSwitcher();
if (state.scene && location.hash !== '#/join') location.hash = '#/join'; // the hashchange routes
else route();
