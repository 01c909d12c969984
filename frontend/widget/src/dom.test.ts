import { describe, expect, it } from 'vitest';
import { contrastText, h, safeColor, safeUrl, setText } from './dom';

const NASTY = 'Olá <script>alert(1)</script><img src=x onerror="alert(2)"> &amp; <b>bold</b>';

describe('escaping', () => {
  it('h() turns string children into text, never markup', () => {
    const el = h('div', { class: 'bubble' }, NASTY);
    expect(el.textContent).toBe(NASTY);
    expect(el.children).toHaveLength(0);
    expect(el.querySelector('script,img,b')).toBeNull();
    expect(el.innerHTML).toContain('&lt;script&gt;');
  });

  it('setText replaces content with literal text', () => {
    const el = h('div', {}, h('b', {}, 'old'));
    setText(el, NASTY);
    expect(el.children).toHaveLength(0);
    expect(el.textContent).toBe(NASTY);
  });

  it('attribute values are set verbatim, not parsed', () => {
    const el = h('a', { title: '"><script>alert(1)</script>' });
    expect(el.getAttribute('title')).toBe('"><script>alert(1)</script>');
    expect(el.children).toHaveLength(0);
  });

  it('h() refuses event-handler attributes', () => {
    expect(() => h('img', { onerror: 'alert(1)' })).toThrow(/not allowed/);
    expect(() => h('img', { ONLOAD: 'alert(1)' })).toThrow(/not allowed/);
  });
});

describe('safeUrl', () => {
  const base = 'https://atendo.example';
  it('resolves relative attachment URLs against the Atendo origin', () => {
    expect(safeUrl('/media/a.png', base)).toBe('https://atendo.example/media/a.png');
    expect(safeUrl('https://cdn.example/x.pdf?sig=1', base)).toBe('https://cdn.example/x.pdf?sig=1');
  });
  it.each(['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'blob:https://x/1'])(
    'rejects %s',
    (url) => expect(safeUrl(url, base)).toBeNull(),
  );
});

describe('safeColor / contrastText', () => {
  it('accepts hex colours only', () => {
    expect(safeColor('#ff8800')).toBe('#ff8800');
    expect(safeColor('#F80')).toBe('#F80');
    expect(safeColor('red')).toBe('#2f6fed');
    expect(safeColor('#fff;background:url(//evil)')).toBe('#2f6fed');
    expect(safeColor(undefined, '#000000')).toBe('#000000');
  });
  it('picks readable text', () => {
    expect(contrastText('#ffffff')).toBe('#000000');
    expect(contrastText('#ffeb3b')).toBe('#000000');
    expect(contrastText('#1d3557')).toBe('#ffffff');
    expect(contrastText('#2f6fed')).toBe('#ffffff');
  });
});
