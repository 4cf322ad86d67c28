// Threadline in any page, from one script include:
//
//   <script type="module" src="https://help.example.com/public/embed.js"></script>
//   <threadline-conversation ticket-id="2" mode="agent" theme="dark"
//                            config-url="https://help.example.com/config.json"
//                            session-token="…a session your backend signed…">
//   </threadline-conversation>
//
// Each element is one conversation with its own configuration (`config-url`, default: the
// config.json beside this script's app), mode (agent, customer or readonly), theme (light,
// dark; default: the system's), language (its `lang`, else the page's) and, behind a gateway,
// the agent's signed session. Changing `ticket-id`, `mode`, `theme`, `lang` or
// `session-token` later updates it in place. Give the element a height: the conversation
// scrolls inside it.
//
// It draws in its own shadow root, so the page's CSS cannot reach in and Threadline's cannot
// reach out; theme it with the `--tl-*` custom properties and the parts `header`, `thread`,
// `composer` and `send` (`threadline-conversation::part(send) { … }`).
//
// It reports to the page with `threadline:sent`, `threadline:status-changed`,
// `threadline:error` and `threadline:session-expired` events (bubbling; `event.detail` says
// which ticket and what happened). On `threadline:session-expired`, set a new
// `session-token` (the attribute, or the `sessionToken` property): nothing typed or queued is
// lost.

const root = new URL('../', import.meta.url);

// The app's styles, fetched once and shared by every conversation's shadow root. Lengths in
// `rem` would follow the page's root font size (`html { font-size: 62.5% }` is common in
// portals): inside the conversation they follow `--tl-rem` instead, the reader's preferred
// text size, measured below. (So no `rem` in `@media` or `@container` conditions: `var()` has no
// meaning there.)
const styles = fetch(new URL('main.css', root))
  .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`main.css: ${r.status}`))))
  .then((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css.replace(/(-?)(\d*\.?\d+)rem\b/g, 'calc($1$2 * var(--tl-rem))'));
    return sheet;
  });

// Tell the app not to take over the page's <body>: it only fills these elements.
window.__threadlineEmbedded = true;
const app = await import(new URL('threadline.js', root).href);
await app.default({ module_or_path: new URL('threadline_bg.wasm', root) });
// Without its styles the conversation still works (plainly); each element says why.
let stylesFailed = null;
const sheet = await styles.catch((e) => {
  stylesFailed = `Threadline's styles did not load (${e.message}).`;
  console.error(stylesFailed);
  return new CSSStyleSheet();
});

/** The reader's preferred text size (CSS `medium`), as the shadow root sees it. */
function preferredTextSize(shadow) {
  const probe = document.createElement('span');
  probe.style.fontSize = 'medium';
  shadow.append(probe);
  const size = getComputedStyle(probe).fontSize;
  probe.remove();
  return size;
}

let measured = false;

class ThreadlineConversation extends HTMLElement {
  static observedAttributes = ['ticket-id', 'mode', 'lang', 'session-token', 'message-id'];

  connectedCallback() {
    if (this.handle) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    shadow.adoptedStyleSheets = [sheet];
    if (!measured) {
      measured = true;
      sheet.insertRule(`:host { --tl-rem: ${preferredTextSize(shadow)}; }`, sheet.cssRules.length);
    }
    const box = document.createElement('div');
    box.className = 'tl-host';
    shadow.replaceChildren(box);
    this.handle = app.mount_conversation(
      this,
      box,
      this.getAttribute('ticket-id') ?? '',
      this.getAttribute('mode'),
      new URL(this.getAttribute('config-url') ?? 'config.json', root).href,
      this.sessionTokenProperty ?? this.getAttribute('session-token'),
    );
    if (stylesFailed) {
      const detail = { ticketId: this.getAttribute('ticket-id'), message: stylesFailed };
      this.dispatchEvent(new CustomEvent('threadline:error', { bubbles: true, composed: true, detail }));
    }
  }

  // The session as a property too, for pages that keep it out of the DOM's attributes (where
  // session-replay tools record it).
  get sessionToken() {
    return this.sessionTokenProperty ?? this.getAttribute('session-token');
  }

  set sessionToken(value) {
    this.sessionTokenProperty = value;
    this.handle?.attribute_changed('session-token', value);
  }

  attributeChangedCallback(name, before, value) {
    if (this.handle && before !== value) this.handle.attribute_changed(name, value);
  }

  disconnectedCallback() {
    if (!this.handle) return;
    this.handle.unmount();
    this.handle.free();
    this.handle = null;
  }
}

if (!customElements.get('threadline-conversation')) {
  customElements.define('threadline-conversation', ThreadlineConversation);
}
