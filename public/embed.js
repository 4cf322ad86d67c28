// Threadline in any page, from one script include:
//
//   <script type="module" src="https://help.example.com/public/embed.js"></script>
//   <threadline-conversation ticket-id="2" mode="agent" theme="dark"
//                            config-url="https://help.example.com/config.json">
//   </threadline-conversation>
//
// Each element is one conversation with its own configuration (`config-url`, default: the
// config.json beside this script's app), mode (agent, customer or readonly) and theme (light,
// dark; default: the system's). Give the element a height: the conversation scrolls inside it.
// It reports to the page with `threadline:sent`, `threadline:status-changed` and
// `threadline:error` events (bubbling; `event.detail` says which ticket and what happened).

const root = new URL('../', import.meta.url);

// The app's styles, once per page. They only touch Threadline's own elements.
if (!document.querySelector('link[data-threadline-styles]')) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('main.css', root).href;
  link.dataset.threadlineStyles = '';
  document.head.append(link);
}

// Tell the app not to take over the page's <body>: it only fills these elements.
window.__threadlineEmbedded = true;
const app = await import(new URL('threadline.js', root).href);
await app.default({ module_or_path: new URL('threadline_bg.wasm', root) });

class ThreadlineConversation extends HTMLElement {
  connectedCallback() {
    if (this.handle) return;
    this.handle = app.mount_conversation(
      this,
      this.getAttribute('ticket-id') ?? '',
      this.getAttribute('mode'),
      new URL(this.getAttribute('config-url') ?? 'config.json', root).href,
    );
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
