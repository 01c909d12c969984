// The widget itself: a launcher and a chat panel in a shadow root, driven by the REST API and
// the visitor websocket. State lives here; reconcile.ts decides what the message list is.

import { ApiError, WidgetApi } from './api';
import type { Identity } from './boot';
import { contrastText, h, safeColor, safeUrl, setText } from './dom';
import { formatBytes, translator } from './i18n';
import type { Language, MessageKey, Translate } from './i18n';
import { isLocal, knows, localMessage, mergeMessage, mergeMessages, newClientId, oldestServerId, patchLocal } from './reconcile';
import { WidgetSocket, socketUrl } from './socket';
import { openKey, read, sessionKey, write } from './storage';
import css from './styles.css?inline';
import type { BootConfig, Message, PrechatField, ServerFrame, Session, ViewMessage, WidgetServerConfig } from './types';

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  chat: 'M12 3C6.5 3 2 6.6 2 11c0 2.4 1.3 4.6 3.4 6.1L4.6 21l4.4-2.3c1 .2 2 .3 3 .3 5.5 0 10-3.6 10-8s-4.5-8-10-8z',
  close: 'M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z',
  send: 'M3 20.5 21.5 12 3 3.5 3 10l13 2-13 2z',
  attach:
    'M16.5 6.5v10.6a4.5 4.5 0 0 1-9 0V5.6a3 3 0 0 1 6 0v10.4a1.5 1.5 0 0 1-3 0V6.5H9V16a3 3 0 0 0 6 0V5.6a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0V6.5z',
};
const RESYNC_MAX_PAGES = 5;
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;
const AGENT_TYPING_TIMEOUT_MS = 8000;
const DOWN_RESYNC_MS = 5000;

function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.appendChild(path);
  return svg;
}

function errorKey(code: string): MessageKey {
  switch (code) {
    case 'file_too_large':
    case 'file_type_not_allowed':
    case 'throttled':
    case 'origin_not_allowed':
      return code;
    default:
      return 'error';
  }
}

export class Widget {
  private readonly t: Translate;
  private readonly api: WidgetApi;
  private config: WidgetServerConfig | null = null;
  private session: Session | null = null;
  private messages: ViewMessage[] = [];
  private hasMore = false;
  private isOpen = false;
  private unread = 0;
  private resolved = false;
  /** A stored session is being resumed: show the conversation, not the pre-chat form. */
  private resuming = false;
  private lastResync = 0;
  private socket: WidgetSocket | null = null;
  private sessionPromise: Promise<Session> | null = null;
  private typingSentAt = 0;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private rendered = new Map<string, { sig: string; el: HTMLElement }>();

  // DOM
  private host!: HTMLElement;
  private root!: HTMLDivElement;
  private launcher!: HTMLButtonElement;
  private badge!: HTMLSpanElement;
  private panel!: HTMLDivElement;
  private conn!: HTMLDivElement;
  private body!: HTMLDivElement;
  private log!: HTMLDivElement;
  private greeting!: HTMLDivElement;
  private earlier!: HTMLButtonElement;
  private list!: HTMLDivElement;
  private typing!: HTMLDivElement;
  private note!: HTMLDivElement;
  private error!: HTMLDivElement;
  private composer!: HTMLFormElement;
  private input!: HTMLTextAreaElement;
  private fileInput!: HTMLInputElement;
  private prechat: HTMLFormElement | null = null;

  constructor(
    private readonly boot: BootConfig,
    private readonly lang: Language,
    private readonly identity: () => Identity | undefined = () => window.AtendoWidgetIdentity,
  ) {
    this.t = translator(lang);
    this.api = new WidgetApi(boot.apiBase, boot.token);
  }

  /** Fetches the account's config and, if that works, puts the launcher on the page. */
  async mount(): Promise<void> {
    try {
      this.config = await this.api.config();
    } catch (error) {
      console.warn('[Atendo] widget disabled:', error instanceof ApiError ? error.code : error);
      return;
    }
    this.build();
    const stored = read('localStorage', sessionKey(this.boot.token));
    if (stored) void this.resume(stored);
    if (read('sessionStorage', openKey(this.boot.token)) === '1') this.open(false);
  }

  open(focus = true): void {
    if (!this.panel) return; // not mounted (yet, or the account's config failed)
    this.isOpen = true;
    write('sessionStorage', openKey(this.boot.token), '1');
    this.root.classList.add('open');
    this.panel.hidden = false;
    this.unread = 0;
    this.renderChrome();
    this.renderBody();
    this.scrollToBottom();
    if (focus) this.focusFirst();
  }

  close(): void {
    if (!this.panel || !this.isOpen) return;
    this.isOpen = false;
    write('sessionStorage', openKey(this.boot.token), null);
    this.root.classList.remove('open');
    this.panel.hidden = true;
    this.renderChrome();
    this.launcher.focus();
  }

  // --- DOM -------------------------------------------------------------------------------

  private build(): void {
    const config = this.config!;
    const primary = safeColor(config.primary_color);
    this.host = document.createElement('atendo-widget');
    // The host element itself is in the page: inline !important keeps page CSS from hiding it.
    for (const [prop, value] of [
      ['display', 'block'],
      ['position', 'fixed'],
      ['z-index', '2147483000'],
      ['right', '0'],
      ['bottom', '0'],
      ['width', '0'],
      ['height', '0'],
      ['margin', '0'],
      ['padding', '0'],
      ['border', '0'],
      ['visibility', 'visible'],
      ['opacity', '1'],
      ['transform', 'none'],
    ] as const) {
      this.host.style.setProperty(prop, value, 'important');
    }
    this.host.style.setProperty('--atendo-primary', primary);
    this.host.style.setProperty('--atendo-on-primary', contrastText(primary));
    const shadow = this.host.attachShadow({ mode: 'open' });
    adoptStyles(shadow, css);

    const t = this.t;
    this.badge = h('span', { class: 'badge', 'data-testid': 'widget-badge', hidden: true });
    this.launcher = h('button', {
      type: 'button',
      class: 'launcher',
      'data-testid': 'widget-launcher',
      'aria-controls': 'atendo-panel',
      'aria-expanded': 'false',
      'aria-label': t('open'),
    });
    this.launcher.append(icon('chat'), this.badge);
    this.launcher.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));

    const title = h('h2', { class: 'title', id: 'atendo-title' }, config.name);
    this.conn = h('div', { class: 'conn', role: 'status', hidden: true });
    const closeBtn = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('close'), 'data-testid': 'widget-close' });
    closeBtn.appendChild(icon('close'));
    closeBtn.addEventListener('click', () => this.close());
    const header = h('div', { class: 'header' }, h('div', { class: 'titles' }, title, this.conn), closeBtn);

    this.greeting = h('div', { class: 'msg out greeting', 'data-testid': 'widget-greeting' });
    if (config.greeting) {
      this.greeting.appendChild(h('div', { class: 'bubble' }, config.greeting));
      this.greeting.appendChild(h('div', { class: 'meta' }, config.name));
    } else this.greeting.hidden = true;
    this.earlier = h('button', { type: 'button', class: 'earlier', hidden: true }, t('earlier'));
    this.earlier.addEventListener('click', () => void this.loadEarlier());
    this.list = h('div', { class: 'list', style: null });
    this.list.style.display = 'contents';
    this.log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'data-testid': 'widget-log', tabindex: 0 }, this.earlier, this.greeting, this.list);
    this.typing = h('div', { class: 'typing', 'aria-live': 'polite', 'data-testid': 'widget-typing', hidden: true });
    this.note = h('div', { class: 'note', hidden: true }, t('resolved'));
    this.error = h('div', { class: 'error', role: 'alert', hidden: true });

    this.input = h('textarea', { rows: 1, placeholder: t('placeholder'), 'aria-label': t('placeholder'), 'data-testid': 'widget-input', maxlength: 5000 });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submitText();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.onVisitorTyping();
    });
    this.fileInput = h('input', { type: 'file', hidden: true, tabindex: -1, 'aria-hidden': 'true', 'data-testid': 'widget-file' });
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      this.fileInput.value = '';
      if (file) void this.sendFile(file);
    });
    const attach = h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('attach'), title: t('attach'), 'data-testid': 'widget-attach' });
    attach.appendChild(icon('attach'));
    attach.addEventListener('click', () => this.fileInput.click());
    const send = h('button', { type: 'submit', class: 'icon-btn send', 'aria-label': t('send'), title: t('send'), 'data-testid': 'widget-send' });
    send.appendChild(icon('send'));
    this.composer = h('form', { class: 'composer', 'data-testid': 'widget-composer' }, attach, this.input, send, this.fileInput);
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitText();
    });

    this.body = h('div', { style: null });
    this.body.style.display = 'contents';
    this.panel = h('div', {
      class: 'panel',
      id: 'atendo-panel',
      role: 'dialog',
      'aria-modal': 'false',
      'aria-labelledby': 'atendo-title',
      'data-testid': 'widget-panel',
      hidden: true,
    });
    this.panel.append(header, this.body);
    this.root = h('div', { class: 'root', lang: this.lang });
    this.root.append(this.panel, this.launcher);
    this.root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.stopPropagation();
        this.close();
      }
    });
    shadow.appendChild(this.root);
    document.body.appendChild(this.host);
    this.renderChrome();
  }

  private needsPrechat(): boolean {
    return !this.session && !this.resuming && !!this.config && this.config.prechat_fields.length > 0;
  }

  /** Pre-chat form, or the conversation (log, typing, composer). */
  private renderBody(): void {
    if (this.needsPrechat()) {
      if (!this.prechat || !this.prechat.isConnected) {
        this.prechat = this.buildPrechat(this.config!.prechat_fields);
        this.body.replaceChildren(this.prechat);
      }
      return;
    }
    if (!this.log.isConnected) {
      this.prechat = null;
      this.body.replaceChildren(this.log, this.typing, this.note, this.error, this.composer);
    }
    this.renderMessages();
  }

  private buildPrechat(fields: PrechatField[]): HTMLFormElement {
    const t = this.t;
    const form = h('form', { class: 'prechat', 'data-testid': 'widget-prechat', novalidate: true }, h('p', {}, t('prechatIntro')));
    const inputs: { field: PrechatField; input: HTMLInputElement; error: HTMLDivElement }[] = [];
    fields.forEach((field, i) => {
      const id = `atendo-f${i}`;
      const input = h('input', {
        id,
        name: field.name,
        type: field.type === 'email' || field.type === 'tel' ? field.type : 'text',
        required: field.required,
        autocomplete: field.name === 'name' ? 'name' : field.name === 'email' ? 'email' : field.name === 'phone' ? 'tel' : 'off',
        'aria-describedby': `${id}-e`,
        'data-testid': `prechat-${field.name}`,
        maxlength: 200,
      });
      const error = h('div', { class: 'field-error', id: `${id}-e`, 'aria-live': 'polite' });
      form.appendChild(h('div', { class: 'field' }, h('label', { for: id }, field.label + (field.required ? ' *' : '')), input, error));
      inputs.push({ field, input, error });
    });
    const formError = h('div', { class: 'field-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'prechat-submit' }, t('start'));
    form.append(formError, submit);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      let firstBad: HTMLInputElement | null = null;
      const values: Record<string, string> = {};
      for (const { field, input, error } of inputs) {
        const value = input.value.trim();
        let problem = '';
        if (field.required && !value) problem = t('required');
        else if (value && field.type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) problem = t('invalidEmail');
        setText(error, problem);
        input.setAttribute('aria-invalid', problem ? 'true' : 'false');
        if (problem && !firstBad) firstBad = input;
        if (value) values[field.name] = value;
      }
      if (firstBad) {
        (firstBad as HTMLInputElement).focus();
        return;
      }
      submit.disabled = true;
      setText(formError, '');
      this.createSession({ prechat: values })
        .then(() => {
          this.renderBody();
          this.focusFirst();
        })
        .catch((err: unknown) => {
          submit.disabled = false;
          const apiError = err instanceof ApiError ? err : null;
          let shown = false;
          for (const { field, input, error } of inputs) {
            const problems = apiError?.fields[field.name];
            if (problems && problems.length) {
              setText(error, problems.join(' '));
              input.setAttribute('aria-invalid', 'true');
              if (!shown) input.focus();
              shown = true;
            }
          }
          if (!shown) setText(formError, this.t(errorKey(apiError?.code ?? 'error')));
        });
    });
    return form;
  }

  private renderChrome(): void {
    const t = this.t;
    this.launcher.setAttribute('aria-expanded', String(this.isOpen));
    this.launcher.setAttribute('aria-label', this.isOpen ? t('close') : this.unread ? `${t('open')} (${this.unread === 1 ? t('unreadOne') : t('unread', { count: this.unread })})` : t('open'));
    this.badge.hidden = this.unread === 0 || this.isOpen;
    setText(this.badge, this.unread > 99 ? '99+' : String(this.unread));
    this.note.hidden = !this.resolved;
  }

  private renderMessages(): void {
    if (!this.isOpen || !this.log.isConnected) return;
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
    this.earlier.hidden = !this.hasMore;
    this.greeting.hidden = !this.config?.greeting || this.hasMore;
    const keep = new Set<string>();
    let cursor: ChildNode | null = this.list.firstChild;
    for (const message of this.messages) {
      const key = message.client_id || message.id;
      keep.add(key);
      const sig = `${message.id}|${message.status}|${message.progress ?? ''}|${message.error ?? ''}`;
      let entry = this.rendered.get(key);
      if (!entry || entry.sig !== sig) {
        if (entry) {
          if (entry.el === cursor) cursor = cursor.nextSibling;
          entry.el.remove();
        }
        entry = { sig, el: this.renderMessage(message) };
        this.rendered.set(key, entry);
      }
      if (entry.el !== cursor) this.list.insertBefore(entry.el, cursor);
      cursor = entry.el.nextSibling;
    }
    for (const [key, entry] of this.rendered) {
      if (!keep.has(key)) {
        entry.el.remove();
        this.rendered.delete(key);
      }
    }
    if (atBottom) this.scrollToBottom();
  }

  private renderMessage(m: ViewMessage): HTMLElement {
    const t = this.t;
    const el = h('div', {
      class: `msg ${m.kind === 'system' ? 'system' : m.direction} ${m.status}`,
      'data-testid': 'widget-message',
      'data-direction': m.direction,
      'data-status': m.status,
      'data-id': isLocal(m) ? null : m.id,
      'data-client-id': m.client_id,
    });
    if (m.kind === 'system') {
      el.appendChild(document.createTextNode(m.body));
      return el;
    }
    const bubble = h('div', { class: 'bubble' });
    if (m.body) bubble.appendChild(h('span', { class: 'text', 'data-testid': 'widget-message-text' }, m.body));
    if (m.attachments.length) {
      const files = h('div', { class: 'files' });
      for (const a of m.attachments) files.appendChild(this.renderAttachment(a, m));
      bubble.appendChild(files);
    }
    el.appendChild(bubble);
    if (m.status === 'failed') {
      const note = h('div', { class: 'failed-note', role: 'alert' }, `${t('failed')} ${m.error ? t(errorKey(m.error), { size: formatBytes(this.config?.max_upload_bytes ?? 0) }) : ''}`);
      if (m.error !== 'file_too_large' && m.error !== 'file_type_not_allowed') {
        const retry = h('button', { type: 'button', class: 'link-btn' }, t('retry'));
        retry.addEventListener('click', () => void this.retry(m));
        note.appendChild(retry);
      }
      el.appendChild(note);
    } else {
      const who = m.direction === 'in' ? t('you') : m.author_name || this.config?.name || '';
      const when = m.status === 'sending' ? t('sending') : formatTime(m.created_at, this.lang);
      el.appendChild(h('div', { class: 'meta' }, [who, when].filter(Boolean).join(' · ')));
    }
    return el;
  }

  private renderAttachment(a: Message['attachments'][number], m: ViewMessage): HTMLElement {
    const label = `${a.name} (${formatBytes(a.size)})`;
    const url = a.url ? safeUrl(a.url, this.boot.apiBase) : null;
    if (!url) {
      const wrap = h('div', { class: 'file' }, label);
      if (m.status === 'sending' && m.progress !== undefined) {
        wrap.appendChild(document.createElement('br'));
        const bar = h('progress', { max: 1, 'aria-label': label });
        bar.value = m.progress;
        wrap.appendChild(bar);
      }
      return wrap;
    }
    const link = h('a', { class: 'file', href: url, target: '_blank', rel: 'noopener noreferrer', download: a.name, 'aria-label': this.t('download', { name: a.name }) });
    if (/^image\/(png|jpe?g|gif|webp|avif|bmp)$/i.test(a.mime)) {
      const img = h('img', { class: 'thumb', src: url, alt: a.name, loading: 'lazy' });
      img.addEventListener('load', () => this.keepBottom());
      link.appendChild(img);
    } else {
      link.appendChild(document.createTextNode(label));
    }
    return link;
  }

  private scrollToBottom(): void {
    if (this.log?.isConnected) this.log.scrollTop = this.log.scrollHeight;
  }

  private keepBottom(): void {
    const gap = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight;
    if (gap < 300) this.scrollToBottom();
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
  }

  private focusFirst(): void {
    const target = this.prechat?.isConnected ? this.prechat.querySelector('input') : this.input;
    target?.focus();
  }

  private showError(code: string | null): void {
    this.error.hidden = !code;
    setText(this.error, code ? this.t(errorKey(code)) : '');
  }

  // --- session -----------------------------------------------------------------------------

  private async resume(stored: string): Promise<void> {
    this.resuming = true;
    try {
      await this.createSession({ session_token: stored });
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        this.forgetSession();
      } else {
        // Offline or server trouble: keep the token and work with it; the socket retries.
        this.adoptSession({ session_token: stored, contact: { name: '' }, conversation_id: null });
      }
    }
    this.resuming = false;
    if (this.isOpen) this.renderBody();
  }

  private createSession(extra: { session_token?: string; prechat?: Record<string, string> }): Promise<Session> {
    if (!this.sessionPromise) {
      const identity = this.identity() ?? {};
      this.sessionPromise = this.api
        .startSession({ ...extra, ...pickIdentity(identity), language: this.lang })
        .then((session) => {
          this.adoptSession(session);
          return session;
        })
        .finally(() => {
          this.sessionPromise = null;
        });
    }
    return this.sessionPromise;
  }

  private adoptSession(session: Session): void {
    const changed = this.session?.session_token !== session.session_token;
    this.session = session;
    this.api.session = session.session_token;
    write('localStorage', sessionKey(this.boot.token), session.session_token);
    if (changed) {
      this.socket?.stop();
      this.socket = new WidgetSocket(socketUrl(this.config?.websocket_url || this.boot.wsBase || '', this.boot.apiBase, this.boot.token, session.session_token), {
        onFrame: (frame) => this.onFrame(frame),
        onOpen: () => {
          this.conn.hidden = true;
          void this.resync();
        },
        onDown: () => {
          setText(this.conn, this.t('reconnecting'));
          this.conn.hidden = false;
          // While the socket is down (proxy, server refusing it before accept: the browser then only
          // sees 1006, never 4401), REST keeps the list current and notices a dead session (401).
          if (Date.now() - this.lastResync > DOWN_RESYNC_MS) void this.resync();
        },
        onSessionInvalid: () => this.onSessionInvalid(),
      });
      this.socket.start();
      void this.resync();
    }
  }

  private forgetSession(): void {
    this.socket?.stop();
    this.socket = null;
    this.session = null;
    this.api.session = null;
    write('localStorage', sessionKey(this.boot.token), null);
  }

  private onSessionInvalid(): void {
    this.forgetSession();
    this.messages = this.messages.filter(isLocal).map((m) => ({ ...m, status: 'failed' as const, error: 'error' }));
    this.hasMore = false;
    if (this.isOpen) this.renderBody();
  }

  /** A session for sending: the current one, or a new one when the account asks for no pre-chat data. */
  private async ensureSession(): Promise<Session | null> {
    if (this.session) return this.session;
    if (this.needsPrechat()) {
      this.renderBody();
      return null;
    }
    return this.createSession({});
  }

  // --- history -----------------------------------------------------------------------------

  /** Merges the newest page, then older pages until one overlaps what we had (after a gap). */
  private async resync(): Promise<void> {
    if (!this.session) return;
    this.lastResync = Date.now();
    const hadAny = this.messages.some((m) => !isLocal(m));
    try {
      let page = await this.api.messages(null);
      let incoming = page.results;
      if (!hadAny) this.hasMore = page.has_more;
      for (let i = 1; hadAny && page.has_more && i < RESYNC_MAX_PAGES; i++) {
        if (incoming.some((m) => knows(this.messages, m.id)) || !incoming[0]) break;
        page = await this.api.messages(incoming[0].id);
        incoming = page.results.concat(incoming);
      }
      this.messages = mergeMessages(this.messages, incoming);
      this.renderMessages();
    } catch (error) {
      this.handleAuthError(error);
    }
  }

  private async loadEarlier(): Promise<void> {
    const before = oldestServerId(this.messages);
    if (!before) return;
    this.earlier.disabled = true;
    try {
      const page = await this.api.messages(before);
      const fromBottom = this.log.scrollHeight - this.log.scrollTop;
      this.hasMore = page.has_more;
      this.messages = mergeMessages(this.messages, page.results);
      this.renderMessages();
      this.log.scrollTop = this.log.scrollHeight - fromBottom;
    } catch (error) {
      this.handleAuthError(error);
    } finally {
      this.earlier.disabled = false;
    }
  }

  private handleAuthError(error: unknown): boolean {
    if (error instanceof ApiError && error.status === 401) {
      this.onSessionInvalid();
      return true;
    }
    return false;
  }

  // --- realtime ----------------------------------------------------------------------------

  private onFrame(frame: ServerFrame): void {
    switch (frame.event) {
      case 'message.created': {
        const m = frame.message;
        if (!m || typeof m.id !== 'string') return;
        const isNew = !knows(this.messages, m.id);
        this.messages = mergeMessage(this.messages, m);
        if (m.direction === 'out') this.setAgentTyping(false, '');
        if (isNew && m.direction === 'out' && (!this.isOpen || document.hidden)) this.unread += 1;
        if (isNew) this.resolved = false;
        this.renderChrome();
        this.renderMessages();
        break;
      }
      case 'typing':
        this.setAgentTyping(!!frame.typing, frame.author_name || '');
        break;
      case 'conversation.status_changed':
        this.resolved = frame.status === 'resolved';
        this.renderChrome();
        break;
      default:
        break;
    }
  }

  private setAgentTyping(typing: boolean, name: string): void {
    clearTimeout(this.agentTypingTimer);
    this.typing.hidden = !typing;
    setText(this.typing, typing ? this.t('typing', { name: name || this.t('someone') }) : '');
    if (typing) this.agentTypingTimer = setTimeout(() => this.setAgentTyping(false, ''), AGENT_TYPING_TIMEOUT_MS);
  }

  private onVisitorTyping(): void {
    if (!this.session) return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingSentAt = now;
      this.api.typing(true).catch(() => undefined);
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingIdle);
    if (this.typingSentAt && this.session) this.api.typing(false).catch(() => undefined);
    this.typingSentAt = 0;
  }

  // --- sending -----------------------------------------------------------------------------

  private submitText(): void {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = '';
    this.autosize();
    this.stopTyping();
    void this.sendText(text, newClientId());
  }

  private ownName(): string {
    return this.session?.contact.name || this.t('you');
  }

  private async sendText(text: string, clientId: string): Promise<void> {
    this.showError(null);
    this.messages = this.messages.some((m) => m.client_id === clientId)
      ? patchLocal(this.messages, clientId, { status: 'sending', error: undefined })
      : this.messages.concat(localMessage(clientId, text, this.ownName(), new Date()));
    this.renderMessages();
    this.scrollToBottom();
    try {
      if (!(await this.ensureSession())) throw new ApiError(401, 'visitor_session_invalid', '');
      const message = await this.api.send(text, clientId);
      this.messages = mergeMessage(this.messages, message);
      this.resolved = false;
      this.renderChrome();
    } catch (error) {
      this.failed(clientId, error);
    }
    this.renderMessages();
  }

  private async sendFile(file: File, clientId = newClientId()): Promise<void> {
    this.showError(null);
    const max = this.config?.max_upload_bytes ?? 0;
    const local = { ...localMessage(clientId, '', this.ownName(), new Date(), file) };
    this.messages = this.messages.some((m) => m.client_id === clientId)
      ? patchLocal(this.messages, clientId, { status: 'sending', error: undefined, progress: 0 })
      : this.messages.concat(local);
    if (max > 0 && file.size > max) {
      this.messages = patchLocal(this.messages, clientId, { status: 'failed', error: 'file_too_large' });
      this.renderMessages();
      this.scrollToBottom();
      return;
    }
    this.renderMessages();
    this.scrollToBottom();
    try {
      if (!(await this.ensureSession())) throw new ApiError(401, 'visitor_session_invalid', '');
      let last = 0;
      const message = await this.api.upload(file, '', clientId, (fraction) => {
        if (fraction - last < 0.05 && fraction < 1) return;
        last = fraction;
        this.messages = patchLocal(this.messages, clientId, { progress: fraction });
        this.renderMessages();
      });
      this.messages = mergeMessage(this.messages, message);
    } catch (error) {
      this.failed(clientId, error);
    }
    this.renderMessages();
  }

  private failed(clientId: string, error: unknown): void {
    const code = error instanceof ApiError ? error.code : 'error';
    this.messages = patchLocal(this.messages, clientId, { status: 'failed', error: code, progress: undefined });
    if (error instanceof ApiError && error.status === 401 && this.session) {
      // The session died under us: forget it; "retry" starts a new one (or asks for pre-chat).
      this.forgetSession();
      if (this.needsPrechat() && this.isOpen) this.renderBody();
    }
  }

  private retry(m: ViewMessage): Promise<void> {
    if (!m.client_id) return Promise.resolve();
    if (m.file) return this.sendFile(m.file, m.client_id);
    return this.sendText(m.body, m.client_id);
  }
}

function pickIdentity(identity: Identity): Identity {
  const out: Identity = {};
  if (typeof identity.identifier === 'string' && identity.identifier) out.identifier = identity.identifier;
  if (typeof identity.identifier_hash === 'string' && identity.identifier_hash) out.identifier_hash = identity.identifier_hash;
  return out;
}

function formatTime(iso: string, lang: Language): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) return '';
  try {
    return date.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  } catch {
    return '';
  }
}

/** Constructable stylesheets where supported (not subject to the host page's style-src CSP). */
function adoptStyles(shadow: ShadowRoot, text: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    shadow.appendChild(h('style', {}, text));
  }
}
