// What the `:shortcode` suggestions need, in the lazily loaded emoji chunk (with the data loader).
export { loadEmojiIndex, withTone } from './data';
export type { Emoji, EmojiIndex } from './data';
export { searchEmoji } from './search';
