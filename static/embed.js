// <localpix-resizer>: localpix inside any page, with one line:
//   <script type="module" src="https://HOST/embed.js"></script>
//   <localpix-resizer max-width="1280" max-height="1280" format="jpeg" quality="80"></localpix-resizer>
// `privacy="show"` shows, under each file, what private data it carried and that it was removed.
//
// The widget takes the host page's colour scheme (`theme="auto"`, the default) or the one its
// `theme` attribute names (`light`, `dark`), and follows it when it changes.
//
// The element shows localpix's widget (embed.html) in a sandboxed frame from localpix's own origin,
// inside a closed shadow root: the host page cannot reach into it, it cannot reach into the host
// page, and no style crosses either way. Files dropped or picked in it are processed on the
// device; each result is dispatched on the element as a `localpix-result` event (detail: `file`,
// `width`, `height`, `originalName`, `privacy`), each failure as `localpix-error` (detail: `originalName`,
// `message`). Both bubble and are composed, so a listener on `document` hears them.
// The message protocol between this element and the frame is in docs/embed.md.

import { SETTINGS, WIDGET } from './protocol.js';

const LOCALPIX = new URL('./', import.meta.url);
const ORIGIN = LOCALPIX.origin;

// The `format` attribute's values → the engine's output formats (WIT `output-format`).
const FORMATS = { jpeg: 'jpeg', jpg: 'jpeg', png: 'png', webp: 'webp-lossless', same: 'same-as-input' };

const PREFERS_DARK = matchMedia('(prefers-color-scheme: dark)');

/** The colour schemes the host page declares where the element is: CSS `color-scheme` on the
 *  element or, inherited, on its parent (the element's own is reset by the shadow root's
 *  `all: initial` unless the page sets it), else the page's `<meta name="color-scheme">`. */
function hostSchemes(element) {
  for (const node of [element, element.parentElement ?? document.documentElement]) {
    const css = getComputedStyle(node).colorScheme;
    if (css && css !== 'normal') return css.split(/\s+/);
  }
  return (document.querySelector('meta[name="color-scheme"]')?.content ?? '').split(/\s+/);
}

/** `light` or `dark`: the `theme` attribute when it names one; otherwise (`auto`, or none) the
 *  host's scheme when it declares exactly one, and the visitor's preference when it allows both
 *  or declares none. */
function themeOf(element) {
  const asked = (element.getAttribute('theme') ?? 'auto').trim().toLowerCase();
  if (asked === 'light' || asked === 'dark') return asked;
  const schemes = hostSchemes(element);
  const [light, dark] = [schemes.includes('light'), schemes.includes('dark')];
  if (light !== dark) return dark ? 'dark' : 'light';
  return PREFERS_DARK.matches ? 'dark' : 'light';
}

/** The settings query for the element's attributes. */
function settingsQuery(element) {
  const width = element.getAttribute('max-width');
  const height = element.getAttribute('max-height');
  const query = new URLSearchParams();
  // The app's resize kinds (settings.rs `ResizeKind`): fit a box, or one side.
  query.set(SETTINGS.resize, width && !height ? 'width' : height && !width ? 'height' : 'fit');
  if (width) query.set(SETTINGS.width, width);
  if (height) query.set(SETTINGS.height, height);
  const format = FORMATS[(element.getAttribute('format') ?? 'same').toLowerCase()];
  query.set(SETTINGS.format, format ?? 'same-as-input');
  const settings = [['quality', SETTINGS.quality], ['effort', SETTINGS.effort], ['metadata', SETTINGS.metadata], ['max-kb', SETTINGS.maxKb]];
  for (const [attribute, key] of settings) {
    const value = element.getAttribute(attribute);
    if (value) query.set(key, value);
  }
  // Not a setting of the result: whether each row shows what private data was found and removed.
  if ((element.getAttribute('privacy') ?? '').trim().toLowerCase() === 'show') query.set('privacy', 'show');
  return query.toString();
}

class LocalpixResizer extends HTMLElement {
  static observedAttributes = ['max-width', 'max-height', 'format', 'quality', 'effort', 'metadata', 'max-kb', 'privacy', 'theme'];

  #frame = null;
  #ready = false;
  #theme = null;
  // Messages for the frame, in order, until it says it is ready: files given and attributes
  // changed before then are applied then, never dropped.
  #pending = [];
  #listener = (event) => this.#receive(event);
  // With `theme="auto"` the host page can change its scheme after load: the visitor's preference,
  // a class or style on <html> or <body> (a site's dark-mode switch), its colour-scheme <meta>.
  #followHost = () => this.#updateTheme();
  #hostObserver = new MutationObserver(this.#followHost);

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'closed' });
    // `all: initial` keeps the host page's inherited styles out; the frame keeps ours in. A
    // constructed style sheet, unlike a <style> element, needs nothing from the host page's
    // Content-Security-Policy (no 'unsafe-inline').
    const style = new CSSStyleSheet();
    style.replaceSync(':host{all:initial;display:block;min-height:18rem;contain:content}' +
      'iframe{display:block;width:100%;height:100%;min-height:inherit;border:0}');
    shadow.adoptedStyleSheets = [style];
    this.#frame = document.createElement('iframe');
    this.#frame.title = 'localpix: resize images on this device';
    // Scripts run, in localpix's own origin (its workers need it); no top navigation, popups or forms.
    this.#frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
    this.#frame.setAttribute('allow', '');
    shadow.append(this.#frame);
  }

  connectedCallback() {
    window.addEventListener('message', this.#listener);
    PREFERS_DARK.addEventListener('change', this.#followHost);
    const watched = { attributes: true, attributeFilter: ['class', 'style', 'data-theme', 'data-color-scheme'] };
    for (const node of [document.documentElement, document.body].filter(Boolean)) this.#hostObserver.observe(node, watched);
    if (document.head) this.#hostObserver.observe(document.head, { childList: true, subtree: true, attributes: true, attributeFilter: ['content'] });
    this.#theme = themeOf(this);
    this.#frame.style.colorScheme = this.#theme;
    const src = new URL('embed.html', LOCALPIX);
    src.search = `host=${encodeURIComponent(location.origin)}&theme=${this.#theme}&${settingsQuery(this)}`;
    this.#ready = false;
    this.#frame.src = src.href;
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.#listener);
    PREFERS_DARK.removeEventListener('change', this.#followHost);
    this.#hostObserver.disconnect();
  }

  attributeChangedCallback(name) {
    if (name === 'theme') this.#updateTheme();
    // The next files use the new settings (each message carries all of them, so the last wins).
    else this.#send({ type: WIDGET.settings, query: settingsQuery(this) });
  }

  /** Tells the frame the scheme to use when it has changed (or, `force`, when it has just loaded). */
  #updateTheme(force = false) {
    const theme = themeOf(this);
    if (theme === this.#theme && !force) return;
    this.#theme = theme;
    // The frame's own `color-scheme` too, so its canvas matches what it draws.
    this.#frame.style.colorScheme = theme;
    this.#send({ type: WIDGET.theme, theme });
  }

  /** Processes `files` (File objects) as if they had been dropped on the element. */
  process(files) {
    this.#send({ type: WIDGET.process, files: [...files] });
  }

  #send(message) {
    if (this.#ready) this.#frame.contentWindow.postMessage(message, ORIGIN);
    else this.#pending.push(message);
  }

  #receive(event) {
    // Only localpix's own frame, from localpix's own origin.
    if (event.origin !== ORIGIN || event.source !== this.#frame.contentWindow) return;
    const data = event.data ?? {};
    if (data.type === WIDGET.ready) {
      this.#ready = true;
      for (const message of this.#pending.splice(0)) this.#send(message);
      // Whatever changed while it loaded.
      this.#updateTheme(true);
      this.dispatchEvent(new CustomEvent('localpix-ready', { bubbles: true, composed: true }));
    } else if (data.type === WIDGET.result) {
      const file = new File([data.buffer], data.name, { type: data.mimeType });
      const detail = { file, width: data.width, height: data.height, originalName: data.originalName, privacy: data.privacy };
      this.dispatchEvent(new CustomEvent('localpix-result', { bubbles: true, composed: true, detail }));
    } else if (data.type === WIDGET.error) {
      const detail = { originalName: data.originalName, message: data.message };
      this.dispatchEvent(new CustomEvent('localpix-error', { bubbles: true, composed: true, detail }));
    }
  }
}

if (!customElements.get('localpix-resizer')) customElements.define('localpix-resizer', LocalpixResizer);
