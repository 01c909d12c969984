import { describe, expect, it } from 'vitest';
import { applyToken, findSlashToken, fold, mergeById, rankQuickReplies } from './match';
import { fillPlaceholders } from './placeholders';
import { makeQuickReply } from './testing';

describe('findSlashToken', () => {
  it('finds a slash at the start or after whitespace, up to the caret', () => {
    expect(findSlashToken('/ol', 3)).toEqual({ start: 0, end: 3, query: 'ol' });
    expect(findSlashToken('Oi! /ho', 7)).toEqual({ start: 4, end: 7, query: 'ho' });
    expect(findSlashToken('linha\n/', 7)).toEqual({ start: 6, end: 7, query: '' });
  });

  it('takes the rest of the word after the caret into the token', () => {
    // caret after "/ol" in "/ola tudo": the whole "/ola" is replaced
    expect(findSlashToken('/ola tudo', 3)).toEqual({ start: 0, end: 4, query: 'ol' });
  });

  it('ignores slashes inside words, URLs, and tokens the caret has left', () => {
    expect(findSlashToken('e/ou', 4)).toBeNull();
    expect(findSlashToken('https://x.test/a', 16)).toBeNull();
    expect(findSlashToken('/ola mundo', 10)).toBeNull();
    expect(findSlashToken('/etc/passwd', 11)).toBeNull();
    expect(findSlashToken('texto', 5)).toBeNull();
  });
});

describe('applyToken', () => {
  it('replaces the token and puts the caret after the insertion', () => {
    const text = 'Oi! /ol e tchau';
    const token = findSlashToken(text, 7);
    expect(token).not.toBeNull();
    expect(applyToken(text, token!, 'Olá, Ana!')).toEqual({ text: 'Oi! Olá, Ana! e tchau', caret: 13 });
  });
});

describe('rankQuickReplies', () => {
  const ola = makeQuickReply({ shortcut: 'ola', title: 'Saudação', body: 'Olá, {{contact.name}}!' });
  const horario = makeQuickReply({ shortcut: 'horario', title: 'Horário de atendimento', body: 'Das 8h às 18h.' });
  const aguarde = makeQuickReply({ shortcut: 'aguarde', title: 'Pedir um momento', body: 'Só um momento, vou verificar o horário.', use_count: 9 });
  const obrigado = makeQuickReply({ shortcut: 'obrigado', title: 'Agradecimento', body: 'Obrigado!', use_count: 3 });
  const all = [ola, horario, aguarde, obrigado];

  it('lists everything for a bare slash, most used first, then by shortcut', () => {
    expect(rankQuickReplies(all, '').map((r) => r.shortcut)).toEqual(['aguarde', 'obrigado', 'horario', 'ola']);
  });

  it('puts shortcut matches before title matches before body matches, ignoring case and accents', () => {
    expect(rankQuickReplies(all, 'HOR').map((r) => r.shortcut)).toEqual(['horario', 'aguarde']);
    expect(rankQuickReplies(all, 'saudacao').map((r) => r.shortcut)).toEqual(['ola']);
    expect(rankQuickReplies(all, 'momento').map((r) => r.shortcut)).toEqual(['aguarde']);
    expect(rankQuickReplies(all, 'o').map((r) => r.shortcut).slice(0, 2)).toEqual(['obrigado', 'ola']);
    expect(rankQuickReplies(all, 'nada disso')).toEqual([]);
    // In the body, only the start of a word: "ver" finds "verificar", "ific" finds nothing.
    expect(rankQuickReplies(all, 'verif').map((r) => r.shortcut)).toEqual(['aguarde']);
    expect(rankQuickReplies(all, 'ific')).toEqual([]);
  });

  it('prefers the exact shortcut over a more used prefix match', () => {
    const ola2 = makeQuickReply({ shortcut: 'ola-formal', use_count: 50 });
    expect(rankQuickReplies([ola2, ola], 'ola').map((r) => r.shortcut)).toEqual(['ola', 'ola-formal']);
  });

  it('folds like the server does', () => {
    expect(fold('Horário ÀS Ação')).toBe('horario as acao');
  });

  it('merges server results without duplicates', () => {
    expect(mergeById([ola, horario], [horario, aguarde]).map((r) => r.shortcut)).toEqual(['ola', 'horario', 'aguarde']);
  });
});

describe('fillPlaceholders', () => {
  const context = { contact: { name: 'Ana Paula Souza' }, agent: { name: 'Arthur Agent' } };

  it('fills contact and agent names, full and first', () => {
    expect(fillPlaceholders('Olá, {{contact.first_name}}! Aqui é {{ agent.name }} ({{agent.first_name}}) para {{contact.name}}.', context)).toBe(
      'Olá, Ana! Aqui é Arthur Agent (Arthur) para Ana Paula Souza.',
    );
  });

  it('leaves unknown placeholders and missing values visible', () => {
    expect(fillPlaceholders('{{contact.email}} {{order.id}} {{contact.name}}', context)).toBe('{{contact.email}} {{order.id}} Ana Paula Souza');
    expect(fillPlaceholders('Olá, {{contact.first_name}}!', { contact: { name: '' }, agent: null })).toBe('Olá, {{contact.first_name}}!');
    expect(fillPlaceholders('Sem nada aqui {{', context)).toBe('Sem nada aqui {{');
  });
});
