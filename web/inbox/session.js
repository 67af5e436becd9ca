// What every page of the inbox shares: the agent's token (kept for the browser tab), the JSON API
// called with it, the error line, and the sign-in form. Loaded before each page's own script.
"use strict";

const InboxSession = (function () {
  const TOKEN_KEY = "agentToken";
  const $ = (id) => document.getElementById(id);

  class Unauthorized extends Error {}

  const signedInBefore = () => Boolean(sessionStorage.getItem(TOKEN_KEY));
  const forget = () => sessionStorage.removeItem(TOKEN_KEY);

  // The response itself, for a download; a 401 or another refusal throws with the server's words.
  async function call(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ""}`, ...(options.headers || {}) },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const message = body.message || (response.status === 401 ? "サインインしてください。" : `HTTP ${response.status}`);
      throw response.status === 401 ? new Unauthorized(message) : new Error(message);
    }
    return response;
  }

  const api = async (path, options) => (await call(path, options)).json().catch(() => ({}));

  function showError(message) {
    $("error").textContent = message || "";
    $("error").hidden = !message;
  }

  // The sign-in form, the sign-out button, and the first view: signed in again if the tab kept a token.
  function start({ signedIn, signedOut, failSafely }) {
    async function signIn() {
      sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
      $("token").value = "";
      await signedIn();
    }
    $("sign-in-button").addEventListener("click", () => failSafely(signIn));
    $("token").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.isComposing) {
        failSafely(signIn);
      }
    });
    $("sign-out").addEventListener("click", () => signedOut(""));
    if (signedInBefore()) {
      failSafely(signedIn);
    } else {
      signedOut("");
    }
  }

  return { Unauthorized, call, api, showError, signedInBefore, forget, start };
})();
