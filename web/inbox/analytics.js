// The analytics page: figures from /api/analytics with the agent's token (the inbox's sign-in), charts by Chart.js.
// Every text is set as textContent; the figures' definitions are the server's (bot/store/outcomes.py).
"use strict";

(function () {
  const OUTCOMES = [
    { key: "resolved", label: "担当者なしで解決", color: "#2f855a" },
    { key: "handed_over", label: "担当者に引き継ぎ", color: "#1f4e79" },
    { key: "abandoned", label: "途中で離脱", color: "#c05621" },
    { key: "ongoing", label: "会話中", color: "#a0aec0" },
  ];
  const COLUMNS = ["engaged", "resolved", "handed_over", "abandoned", "ongoing", "customer_messages", "fallback_rate", "csat"];

  const $ = (id) => document.getElementById(id);
  const charts = [];

  const { Unauthorized, api, showError } = InboxSession;

  function element(tag, text, figure) {
    const node = document.createElement(tag);
    node.textContent = text === undefined || text === null ? "" : String(text);
    if (figure) {
      node.dataset.figure = figure;
    }
    return node;
  }

  const count = (value) => Number(value).toLocaleString("ja-JP");
  const share = (part, whole) => (whole ? `${count(part)}(${Math.round((100 * part) / whole)}%)` : count(part));
  const rate = (value) => (value === null ? "―" : value.toFixed(1));
  const csat = (figures) => (figures.csat_count ? `${figures.csat_mean.toFixed(2)}(${count(figures.csat_count)}件)` : "―");

  function cell(figures, key) {
    if (key === "fallback_rate") {
      return element("td", rate(figures.fallback_rate), key);
    }
    if (key === "csat") {
      return element("td", csat(figures), key);
    }
    return element("td", count(figures[key]), key);
  }

  function renderTotals(total) {
    $("total-engaged").textContent = count(total.engaged);
    for (const { key } of OUTCOMES) {
      $(`total-${key}`).textContent = share(total[key], total.engaged);
    }
    $("total-fallback_rate").textContent = total.fallback_rate === null ? "―" : `${rate(total.fallback_rate)}件`;
    $("total-csat").textContent = csat(total);
  }

  function renderRows(body, rows, firstCells) {
    body.replaceChildren();
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.dataset.day = row.day || "";
      tr.dataset.channel = row.channel || "";
      tr.append(...firstCells(row), ...COLUMNS.map((key) => cell(row, key)));
      body.append(tr);
    }
  }

  function renderReasons(reasons, labels) {
    const body = $("reasons");
    body.replaceChildren();
    for (const [reason, number] of Object.entries(reasons)) {
      const tr = document.createElement("tr");
      tr.dataset.reason = reason;
      tr.append(element("td", labels[reason] || reason), element("td", count(number), "count"));
      body.append(tr);
    }
    $("no-handoffs").hidden = Object.keys(reasons).length > 0;
  }

  function drawCharts(byDay) {
    while (charts.length) {
      charts.pop().destroy();
    }
    const days = byDay.map((row) => row.day.slice(5).replace("-", "/"));
    const common = { responsive: true, maintainAspectRatio: false, animation: false };
    charts.push(new window.Chart($("outcomes-chart"), {
      type: "bar",
      data: {
        labels: days,
        datasets: OUTCOMES.map(({ key, label, color }) => ({
          label, data: byDay.map((row) => row[key]), backgroundColor: color,
        })),
      },
      options: {
        ...common,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    }));
    charts.push(new window.Chart($("quality-chart"), {
      type: "line",
      data: {
        labels: days,
        datasets: [
          { label: "フォールバック率", data: byDay.map((row) => row.fallback_rate), borderColor: "#c05621",
            backgroundColor: "#c05621", yAxisID: "rate", spanGaps: true },
          { label: "満足度(平均)", data: byDay.map((row) => row.csat_mean), borderColor: "#2f855a",
            backgroundColor: "#2f855a", yAxisID: "csat", spanGaps: true },
        ],
      },
      options: {
        ...common,
        scales: {
          rate: { position: "left", beginAtZero: true, title: { display: true, text: "100件あたり" } },
          csat: { position: "right", min: 1, max: 5, grid: { drawOnChartArea: false }, title: { display: true, text: "満足度" } },
        },
      },
    }));
  }

  function render(figures) {
    $("from").value = figures.from;
    $("to").value = figures.to;
    $("period").textContent = `${figures.from} 〜 ${figures.to}(日本時間)`;
    renderTotals(figures.total);
    const channel = (row) => figures.labels.channels[row.channel] || row.channel;
    renderRows($("by-channel"), figures.by_channel, (row) => [element("td", channel(row))]);
    renderRows($("by-day-and-channel"), figures.by_day_and_channel,
      (row) => [element("td", row.day), element("td", channel(row))]);
    $("no-conversations").hidden = figures.by_day_and_channel.length > 0;
    renderReasons(figures.total.handed_over_by_reason, figures.labels.reasons);
    drawCharts(figures.by_day);
    $("analytics").hidden = false;
  }

  function signedOut(message) {
    InboxSession.forget();
    $("analytics").hidden = true;
    $("review-link").hidden = true;
    $("sign-out").hidden = true;
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

  async function load(query) {
    render(await api(`/api/analytics${query}`));
  }

  async function signedIn() {
    const { agent, supervisor } = await api("/api/me");
    $("who").textContent = `担当者: ${agent}`;
    $("review-link").hidden = !supervisor;
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
    if (!supervisor) {
      // The API would refuse too; the page says so at once instead of showing empty figures.
      $("analytics").hidden = true;
      showError("分析は監督者の方のみご覧いただけます。受付箱へお戻りください。");
      return;
    }
    await load("");
  }

  function start() {
    $("range").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams({ from: $("from").value, to: $("to").value });
      failSafely(() => load(`?${query}`));
    });
    InboxSession.start({ signedIn, signedOut, failSafely });
  }

  start();
})();
