// The review queue: messages the bot misunderstood, grouped by meaning, from /api/review with the agent's
// token (the inbox's sign-in); a supervisor labels a group or one message, and exports the labels.
// Customer text is untrusted and already masked by the server: it is only ever set as textContent.
"use strict";

(function () {
  const KINDS = [
    { kind: "guide_answer", label: "ガイドの回答" },
    { kind: "intent", label: "意図" },
    { kind: "other", label: "そのほか" },
  ];

  const NOT_UNDERSTOOD = "nlu_fallback";

  const $ = (id) => document.getElementById(id);
  let query = "";

  const { Unauthorized, call, api, showError } = InboxSession;

  function showDone(message) {
    $("done").textContent = message || "";
    $("done").hidden = !message;
  }

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

  function when(iso) {
    // The server gives Japan time: 2026-11-22T09:00:06+09:00 → 11/22 09:00.
    return `${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 16)}`;
  }

  function reading(message, names) {
    const name = (key) => names.readings[key] || key;
    // Not understood carries the fallback's own threshold as its confidence: nothing the bot was sure of.
    const sure = message.confidence === null || message.intent === NOT_UNDERSTOOD ? "" : `(${message.confidence.toFixed(2)})`;
    if (message.guide_answer) {
      return `ガイドの回答「${name(message.guide_answer)}」${sure}`;
    }
    return `${name(message.intent || "")}${sure}`;
  }

  function labelSelect(id, choices) {
    const select = element("select", null, "label-select");
    select.id = id;
    select.append(new Option("ラベルを選んでください", ""));
    for (const { kind, label } of KINDS) {
      const group = document.createElement("optgroup");
      group.label = label;
      for (const choice of choices.filter((item) => item.kind === kind)) {
        group.append(new Option(choice.name, choice.value));
      }
      select.append(group);
    }
    return select;
  }

  function messageRow(message, names, labelWith, alone) {
    const row = element("tr");
    row.dataset.messageId = message.id;
    const text = element("td", message.text, "text");
    const why = element("td", message.reasons.map((reason) => names.reasons[reason] || reason).join("、"));
    if (message.reply) {
      why.append(element("span", `次のメッセージ:「${message.reply}」`, "reply"));
    }
    const action = element("td");
    if (!alone) {
      const one = element("button", "このメッセージだけに付ける", "one");
      one.type = "button";
      one.disabled = true;
      one.addEventListener("click", () => labelWith([message.id]));
      action.append(one);
    }
    row.append(element("td", when(message.at), "when"), element("td", names.channels[message.channel] || message.channel),
      text, element("td", reading(message, names)), why, action);
    return row;
  }

  function groupPanel(group, number, body) {
    const panel = element("section", null, "panel group");
    panel.dataset.group = String(number);
    const count = group.messages.length;
    panel.append(element("h2", `グループ${number}(${count}件)`));

    const form = element("div", null, "label-form");
    const select = labelSelect(`label-${number}`, body.choices);
    const label = element("label", "ラベル");
    label.htmlFor = select.id;
    const all = element("button", count > 1 ? `グループ全体(${count}件)に付ける` : "このメッセージに付ける", "all");
    all.type = "button";
    all.disabled = true;
    form.append(label, select, all);

    const labelWith = (ids) => failSafely(() => labelMessages(ids, select.value, select.selectedOptions[0].text));
    const table = element("table");
    const head = element("thead");
    const headings = element("tr");
    for (const title of ["日時", "チャネル", "メッセージ", "ボットの読み取り", "理由", ""]) {
      headings.append(element("th", title));
    }
    head.append(headings);
    const rows = element("tbody");
    rows.append(...group.messages.map((message) => messageRow(message, body.names, labelWith, count === 1)));
    table.append(head, rows);

    all.addEventListener("click", () => labelWith(group.messages.map((message) => message.id)));
    select.addEventListener("change", () => {
      for (const button of panel.querySelectorAll("button")) {
        button.disabled = !select.value;
      }
    });
    panel.append(form, table);
    return panel;
  }

  function render(body) {
    $("from").value = body.from;
    $("to").value = body.to;
    $("period").textContent = `${body.from} 〜 ${body.to}(日本時間)`;
    $("unsure-below").textContent = String(body.unsure_below);
    $("unsure-answer-below").textContent = String(body.unsure_answer_below);
    $("summary").textContent = body.waiting === 0
      ? "この期間の見直し待ちのメッセージはありません。"
      : `見直し待ち ${body.waiting}件(新しい順に${body.shown}件を${body.groups.length}グループで表示)`;
    $("groups").replaceChildren(...body.groups.map((group, index) => groupPanel(group, index + 1, body)));
    $("review").hidden = false;
  }

  async function load() {
    render(await api(`/api/review${query}`));
  }

  async function labelMessages(ids, label, name) {
    const { labelled } = await api("/api/review/labels", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ messages: ids, label }),
    });
    await load();
    showDone(`${labelled}件に「${name}」を付けました。`);
  }

  async function exportLabels() {
    const response = await call("/api/review/export");
    const link = document.createElement("a");
    const url = URL.createObjectURL(await response.blob());
    link.href = url;
    link.download = "reviewed.yml";
    link.click();
    // Later, not at once: the download may still be reading it.
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    showDone("学習データ(reviewed.yml)を書き出しました。data/nlu/ に置くと次の学習で使われます。");
  }

  function signedOut(message) {
    InboxSession.forget();
    $("review").hidden = true;
    $("sign-out").hidden = true;
    $("who").textContent = "";
    $("sign-in").hidden = false;
    showError(message);
  }

  async function failSafely(work) {
    try {
      showError("");
      showDone("");
      await work();
    } catch (failure) {
      if (failure instanceof Unauthorized) {
        signedOut(failure.message);
      } else {
        showError(failure.message);
      }
    }
  }

  async function signedIn() {
    const { agent, supervisor } = await api("/api/me");
    $("who").textContent = `担当者: ${agent}`;
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
    if (!supervisor) {
      // The API would refuse too; the page says so at once instead of an empty queue.
      $("review").hidden = true;
      showError("見直しは監督者の方のみご利用いただけます。受付箱へお戻りください。");
      return;
    }
    await load();
  }

  function start() {
    $("range").addEventListener("submit", (event) => {
      event.preventDefault();
      query = `?${new URLSearchParams({ from: $("from").value, to: $("to").value })}`;
      failSafely(load);
    });
    $("export").addEventListener("click", () => failSafely(exportLabels));
    InboxSession.start({ signedIn, signedOut, failSafely });
  }

  start();
})();
