// The widget's own few strings in pt-BR, en and es. The account's greeting comes from the server.

export const LANGUAGES = ['pt-BR', 'en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

const en = {
  open: 'Open chat',
  close: 'Close chat',
  chatWith: 'Chat with {name}',
  unread: '{count} unread messages',
  unreadOne: '1 unread message',
  placeholder: 'Type your message…',
  send: 'Send',
  attach: 'Attach a file',
  typing: '{name} is typing…',
  someone: 'Someone',
  you: 'You',
  sending: 'Sending…',
  failed: 'Not sent.',
  retry: 'Retry',
  prechatIntro: 'Before we start, tell us a little about you.',
  start: 'Start chat',
  required: 'Required',
  invalidEmail: 'Enter a valid e-mail address.',
  earlier: 'Load earlier messages',
  reconnecting: 'Reconnecting…',
  offline: 'Could not reach the chat. Trying again…',
  resolved: 'This conversation was closed. Send a message to reopen it.',
  file_too_large: 'The file is too large (max {size}).',
  file_type_not_allowed: 'This type of file is not allowed.',
  throttled: 'Too many messages. Please wait a moment.',
  origin_not_allowed: 'Chat is not available on this site.',
  error: 'Something went wrong. Please try again.',
  attachment: 'Attachment',
  download: 'Download {name}',
} as const;

export type MessageKey = keyof typeof en;
type Dictionary = Record<MessageKey, string>;

const ptBR: Dictionary = {
  open: 'Abrir chat',
  close: 'Fechar chat',
  chatWith: 'Conversa com {name}',
  unread: '{count} mensagens não lidas',
  unreadOne: '1 mensagem não lida',
  placeholder: 'Digite sua mensagem…',
  send: 'Enviar',
  attach: 'Anexar arquivo',
  typing: '{name} está digitando…',
  someone: 'Alguém',
  you: 'Você',
  sending: 'Enviando…',
  failed: 'Não enviada.',
  retry: 'Tentar de novo',
  prechatIntro: 'Antes de começar, conte um pouco sobre você.',
  start: 'Iniciar conversa',
  required: 'Obrigatório',
  invalidEmail: 'Informe um e-mail válido.',
  earlier: 'Carregar mensagens anteriores',
  reconnecting: 'Reconectando…',
  offline: 'Não foi possível conectar ao chat. Tentando de novo…',
  resolved: 'Esta conversa foi encerrada. Envie uma mensagem para reabri-la.',
  file_too_large: 'O arquivo é grande demais (máx. {size}).',
  file_type_not_allowed: 'Este tipo de arquivo não é permitido.',
  throttled: 'Muitas mensagens. Aguarde um instante.',
  origin_not_allowed: 'O chat não está disponível neste site.',
  error: 'Algo deu errado. Tente de novo.',
  attachment: 'Anexo',
  download: 'Baixar {name}',
};

const es: Dictionary = {
  open: 'Abrir chat',
  close: 'Cerrar chat',
  chatWith: 'Chat con {name}',
  unread: '{count} mensajes sin leer',
  unreadOne: '1 mensaje sin leer',
  placeholder: 'Escribe tu mensaje…',
  send: 'Enviar',
  attach: 'Adjuntar un archivo',
  typing: '{name} está escribiendo…',
  someone: 'Alguien',
  you: 'Tú',
  sending: 'Enviando…',
  failed: 'No enviado.',
  retry: 'Reintentar',
  prechatIntro: 'Antes de empezar, cuéntanos un poco sobre ti.',
  start: 'Iniciar chat',
  required: 'Obligatorio',
  invalidEmail: 'Introduce un correo electrónico válido.',
  earlier: 'Cargar mensajes anteriores',
  reconnecting: 'Reconectando…',
  offline: 'No se pudo conectar al chat. Reintentando…',
  resolved: 'Esta conversación fue cerrada. Envía un mensaje para reabrirla.',
  file_too_large: 'El archivo es demasiado grande (máx. {size}).',
  file_type_not_allowed: 'Este tipo de archivo no está permitido.',
  throttled: 'Demasiados mensajes. Espera un momento.',
  origin_not_allowed: 'El chat no está disponible en este sitio.',
  error: 'Algo salió mal. Inténtalo de nuevo.',
  attachment: 'Adjunto',
  download: 'Descargar {name}',
};

export const DICTIONARIES: Record<Language, Dictionary> = { 'pt-BR': ptBR, en, es };

/** Maps a BCP 47 tag ("pt", "pt-PT", "es-AR", "en-US") to a supported language. */
export function normalizeLanguage(tag: string | null | undefined): Language | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower === 'pt' || lower.indexOf('pt-') === 0) return 'pt-BR';
  if (lower === 'es' || lower.indexOf('es-') === 0) return 'es';
  if (lower === 'en' || lower.indexOf('en-') === 0) return 'en';
  return null;
}

/** The first supported language among the browser's preferences; English otherwise. */
export function pickLanguage(nav: Partial<Pick<Navigator, 'language' | 'languages'>> | undefined): Language {
  const candidates: (string | undefined)[] = [...(nav?.languages ?? []), nav?.language];
  for (const tag of candidates) {
    const lng = normalizeLanguage(tag);
    if (lng) return lng;
  }
  return 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lng: Language): Translate {
  const dict = DICTIONARIES[lng];
  return (key, vars) =>
    dict[key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}
