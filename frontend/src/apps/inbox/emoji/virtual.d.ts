// Emoji rows per language, generated at build time by dataPlugin.ts. The row shape is EmojiRow
// in rows.ts (an ambient module cannot import it): [emoji, label, tags, group, version, skins, shortcodes].
declare module 'virtual:atendo-emoji/*' {
  const rows: [string, string, string, number, number, 0 | 1 | string[], string][];
  export default rows;
}
