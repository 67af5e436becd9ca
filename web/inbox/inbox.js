// The agents' inbox page: everything goes through the JSON API with the agent's token.
// Customer text is untrusted: it is only ever set as textContent, never as markup.
"use strict";

(function () {
  const LIST_EVERY_MS = 5000;
  const DETAIL_EVERY_MS = 3000;
  const PRIORITY = { high: "高", normal: "通常" };
  const STATUS = { open: "未対応", claimed: "対応中", closed: "終了" };
  const WHO = { customer: "お客さま", bot: "ボット", agent: "担当者" };
  const FIELD = {
    serial_number: "シリアル番号", proof: "本人確認に使った番号",
    handoff_identifier: "お客さまが伝えた番号", payment_channel: "支払い場所", paid_on: "支払日",
    renewal_product: "希望の製品", product: "製品",
  };

  const $ = (id) => document.getElementById(id);
  let selected = null;

  const { Unauthorized, api, showError } = InboxSession;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function age(iso) {
    const minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 60) {
      return `${minutes}分`;
    }
    if (minutes < 60 * 24) {
      return `${Math.floor(minutes / 60)}時間`;
    }
    return `${Math.floor(minutes / 60 / 24)}日`;
  }

  function signedOut(message) {
    InboxSession.forget();
    selected = null;
    $("inbox").hidden = true;
    $("sign-out").hidden = true;
    $("analytics-link").hidden = true;
    $("review-link").hidden = true;
    $("who").textContent = "";
    $("sign-in").hidden = false;
    showError(message);
  }

  async function failSafely(work) {
    try {
      showError("");
      await work();
    } catch (failure) {
      if (failure instanceof Unauthorized) {
        signedOut(failure.message);
      } else {
        showError(failure.message);
      }
    }
  }

  function renderList(tickets) {
    const rows = $("tickets");
    rows.replaceChildren();
    for (const ticket of tickets) {
      const row = element("tr");
      row.dataset.ticketId = ticket.id;
      if (ticket.id === selected) {
        row.classList.add("selected");
      }
      row.append(
        element("td", ticket.number),
        element("td", PRIORITY[ticket.priority] || ticket.priority, `priority-${ticket.priority}`),
        element("td", ticket.category),
        element("td", STATUS[ticket.status] || ticket.status),
        element("td", ticket.agent || "―"),
        element("td", age(ticket.created_at)),
        element("td", ticket.summary.split("\n")[0]),
      );
      row.addEventListener("click", () => failSafely(() => openTicket(ticket.id)));
      rows.append(row);
    }
    $("count").textContent = `(${tickets.length}件)`;
    $("empty").hidden = tickets.length > 0;
  }

  function renderLines(list, lines) {
    list.replaceChildren();
    for (const line of lines) {
      const who = line.who === "agent" && line.agent ? `${WHO.agent}(${line.agent})` : WHO[line.who] || line.who;
      list.append(element("li", `${who}: ${line.text}`, `who-${line.who}`));
    }
    list.scrollTop = list.scrollHeight;
  }

  function renderDetail({ ticket, conversation, conversation_error: conversationError }) {
    $("detail").hidden = false;
    $("detail-title").textContent = `${ticket.number} ${ticket.category}(${STATUS[ticket.status] || ticket.status})`;
    $("summary").textContent = ticket.summary;
    const facts = $("facts");
    facts.replaceChildren();
    const add = (label, value) => facts.append(element("dt", label), element("dd", value || "―"));
    add("優先度", PRIORITY[ticket.priority]);
    add("チャネル", ticket.channel);
    add("本人確認済みのアドレス", ticket.verified_email);
    add("連絡先", ticket.contact_email);
    add("最後のご質問", ticket.last_question);
    add("担当", ticket.agent);
    for (const [name, value] of Object.entries(ticket.fields)) {
      // The reason is the summary's first line already, in Japanese.
      if (name !== "reason") {
        add(FIELD[name] || name, value);
      }
    }
    renderLines($("transcript"), ticket.transcript);
    renderLines($("conversation"), conversation || []);
    $("conversation-error").textContent = conversationError || "";
    $("conversation-error").hidden = !conversationError;
    const mine = ticket.status === "claimed" && ticket.agent === $("who").dataset.agent;
    $("claim").hidden = ticket.status !== "open";
    $("send").disabled = !mine || !ticket.can_message;
    $("message").disabled = $("send").disabled;
    $("message").placeholder = ticket.can_message
      ? "お客さまへのメッセージ"
      : "このチャネルにはメッセージを送れません。連絡先のメールでご連絡ください。";
    $("close").disabled = ticket.status === "claimed" && !mine;
  }

  async function refreshList() {
    const { tickets } = await api("/api/tickets");
    renderList(tickets);
  }

  async function openTicket(id) {
    selected = id;
    renderDetail(await api(`/api/tickets/${id}`));
    for (const row of $("tickets").children) {
      row.classList.toggle("selected", Number(row.dataset.ticketId) === id);
    }
  }

  async function act(path, body) {
    const options = { method: "POST" };
    if (body) {
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    await api(path, options);
  }

  async function signedIn() {
    const { agent, supervisor } = await api("/api/me");
    $("who").dataset.agent = agent;
    $("analytics-link").hidden = !supervisor;
    $("review-link").hidden = !supervisor;
    $("who").textContent = `担当者: ${agent}`;
    await refreshList();
    $("sign-in").hidden = true;
    $("inbox").hidden = false;
    $("sign-out").hidden = false;
  }

  function start() {
    $("claim").addEventListener("click", () => failSafely(async () => {
      await act(`/api/tickets/${selected}/claim`);
      await openTicket(selected);
      await refreshList();
    }));
    $("send").addEventListener("click", () => failSafely(async () => {
      const text = $("message").value.trim();
      if (!text) {
        return;
      }
      await act(`/api/tickets/${selected}/messages`, { text });
      $("message").value = "";
      await openTicket(selected);
    }));
    $("close").addEventListener("click", () => failSafely(async () => {
      await act(`/api/tickets/${selected}/close`);
      selected = null;
      $("detail").hidden = true;
      await refreshList();
    }));

    setInterval(() => {
      if (InboxSession.signedInBefore()) {
        failSafely(refreshList);
      }
    }, LIST_EVERY_MS);
    setInterval(() => {
      if (InboxSession.signedInBefore() && selected !== null) {
        failSafely(() => openTicket(selected));
      }
    }, DETAIL_EVERY_MS);

    InboxSession.start({ signedIn, signedOut, failSafely });
  }

  start();
})();
