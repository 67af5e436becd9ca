// Starts rasa-webchat in Japanese over Rasa's socketio channel, with a demo identity if one is chosen.
"use strict";

(function () {
  const DEMO_CUSTOMER_KEY = "demoCustomer";
  // The widget labels its buttons in English or not at all; screen readers read these instead.
  const LABELS = {
    ".rw-launcher": "チャットを開く・閉じる",
    ".rw-send": "送信",
    ".rw-close-button": "チャットを閉じる",
  };
  // The widget renders bot messages as Markdown with HTML escaped, but lets links of
  // any scheme through (javascript: included). The page's CSP blocks those too; this
  // keeps them dead on a site whose CSP is weaker.
  const LINK_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);
  // The widget holds each bot message back 30 ms per character (0.8 to 3 s) by default, so a
  // Japanese answer to a 55 ms turn showed after about 2 s. Only a short pause remains, which keeps
  // the messages of one reply reading in order.
  const MESSAGE_PAUSE_MS = 150;
  const TIME = new Intl.DateTimeFormat("ja-JP", { hour: "2-digit", minute: "2-digit" });
  const DAY_AND_TIME = new Intl.DateTimeFormat("ja-JP", {
    month: "long", day: "numeric", hour: "2-digit", minute: "2-digit",
  });

  // 14:05 for today's messages, 11月22日 14:05 for older ones (a conversation survives a reload).
  function messageTime(timestamp) {
    const date = new Date(timestamp);
    const today = new Date().toDateString() === date.toDateString();
    return (today ? TIME : DAY_AND_TIME).format(date);
  }

  // Japanese IMEs confirm a kana-kanji conversion with Enter, and the widget sends on
  // every Enter. Stopping the event here, before React sees it, keeps the half-typed text.
  window.addEventListener(
    "keydown",
    (event) => {
      const inChatInput = event.target instanceof Element && event.target.matches(".rw-new-message");
      if (inChatInput && (event.isComposing || event.keyCode === 229)) {
        event.stopPropagation();
      }
    },
    true,
  );

  async function fetchJson(url, options) {
    const response = await fetch(url, options);
    if (!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    return response.json();
  }

  // Demo mode only: the page server signs a token as the support site would for a logged-in customer.
  async function demoToken(customers) {
    if (customers.length === 0) {
      return null;
    }
    document.getElementById("demo-login").hidden = false;
    const select = document.getElementById("demo-customer");
    for (const customer of customers) {
      select.add(new Option(customer.label, customer.email));
    }
    select.value = sessionStorage.getItem(DEMO_CUSTOMER_KEY) || "";
    select.addEventListener("change", () => {
      // Another customer gets another conversation: what the bot verified must not carry over.
      sessionStorage.clear();
      if (select.value) {
        sessionStorage.setItem(DEMO_CUSTOMER_KEY, select.value);
      }
      window.location.reload();
    });
    if (!select.value) {
      return null;
    }
    const { token } = await fetchJson("/demo-token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: select.value }),
    });
    const label = select.options[select.selectedIndex].text;
    document.getElementById("demo-status").textContent = `${label}としてログインしている想定です(デモ)。`;
    return token;
  }

  function disarmLinks(root) {
    for (const link of root.querySelectorAll(".rw-markdown a[href]")) {
      if (!LINK_SCHEMES.has(new URL(link.href, window.location.href).protocol)) {
        link.removeAttribute("href");
      }
    }
  }

  function labelButtons(root) {
    for (const [selector, label] of Object.entries(LABELS)) {
      for (const element of root.querySelectorAll(selector)) {
        element.setAttribute("aria-label", label);
        element.title = label;
      }
    }
  }

  async function start() {
    const config = await fetchJson("/config.json");
    const token = await demoToken(config.demoCustomers);
    const root = document.getElementById("webchat");
    new MutationObserver(() => {
      disarmLinks(root);
      labelButtons(root);
    }).observe(root, { childList: true, subtree: true });
    window.WebChat.default(
      {
        socketUrl: config.socketUrl,
        socketPath: "/socket.io/",
        customData: token ? { token } : {},
        initPayload: "/greet",
        customMessageDelay: () => MESSAGE_PAUSE_MS,
        showMessageDate: messageTime,
        title: "サポートチャット",
        subtitle: "アカウントと契約更新のご質問にお答えします",
        inputTextFieldHint: "ご質問を入力してください",
        connectingText: "接続しています…",
        showFullScreenButton: false,
        hideWhenNotConnected: false,
        // The "rules" add-on belongs to Botfront's channel; Rasa's socketio channel has none.
        withRules: false,
        // The conversation survives a reload of the tab, and ends with it.
        params: { storage: "session" },
      },
      root,
    );
  }

  start().catch((error) => {
    console.error(error);
    const message = document.getElementById("page-error");
    message.textContent = "チャットを開始できませんでした。しばらくしてからページを再読み込みしてください。";
    message.hidden = false;
  });
})();
