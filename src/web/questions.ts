import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { QUERIES_DIR } from './paths.js';

/** One preloaded operation of the playground: a file of queries/. */
export interface Question {
  /** The operation's name (e.g. `F2`), or the file name without extension when it has none. */
  id: string;
  file: string;
  operationName: string | null;
  /** Chinese title (中文标题). */
  titleZh: string;
  /** English title. */
  titleEn: string;
  /** What the question answers: the file's one-line comment (after the titles, when it starts with them). */
  comment: string;
  /** The document exactly as in the file. */
  query: string;
}

const CJK = /[\u3000-\u9fff\uff00-\uffef]/;

/**
 * Titles come from the file itself, so a new file in queries/ shows up without touching this code:
 * - `# 标题: …` and `# Title: …` lines, when present, give the Chinese and the English title;
 * - a first comment line `中文标题 · English title — what it answers` gives both;
 * - otherwise (the F files: `F2 · 落地资金7.1亿元: funds landed in …`) the Chinese title is the first
 *   comment line up to where its English gloss starts (a colon, a space or a parenthesis followed
 *   by a lowercase Latin word), and the English title is the file name:
 *   `F02-funds-landed-in-mountain-towns-2022.graphql` gives "Funds landed in mountain towns 2022".
 */
export function parseQuestion(file: string, text: string): Question {
  const lines = text.split(/\r?\n/);
  const comments = lines.filter((l) => /^\s*#/.test(l)).map((l) => l.replace(/^\s*#\s?/, '').trim());
  const explicit = (re: RegExp) => comments.map((c) => re.exec(c)?.[1]?.trim()).find(Boolean);
  const operationName = /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(text)?.[1] ?? null;
  const base = path.basename(file, path.extname(file));
  const id = operationName ?? base;
  const comment = comments.find((c) => !/^(标题|title)\s*[:：]/i.test(c)) ?? '';
  const body = comment.replace(new RegExp(`^${id}\\s*[·:：-]\\s*`), '').replace(/^[A-Z]{0,3}\d+\s*·\s*/, '');
  const slug = base
    .replace(/^[A-Za-z]{0,3}\d+[-_]/, '')
    .replace(/[-_]+/g, ' ')
    .replace(/\b(\d{4})q([1-4])\b/gi, '$1 Q$2')
    .trim();
  const both = /^(.*?[\u3000-\u9fff].*?)\s+·\s+([A-Za-z0-9].*?)(?:\s+[—–]\s+(.*))?$/.exec(body);
  const gloss = /(\s*[:：]\s*|\s+\(?)(?=[a-z])/.exec(body);
  let titleZh = explicit(/^标题\s*[:：]\s*(.+)$/) ?? both?.[1]?.trim() ?? (gloss ? body.slice(0, gloss.index) : body).trim();
  if (!CJK.test(titleZh)) titleZh = titleZh || id;
  const titleEn = explicit(/^title\s*[:：]\s*(.+)$/i) ?? both?.[2]?.trim() ?? (slug ? slug[0]!.toUpperCase() + slug.slice(1) : id);
  return { id, file, operationName, titleZh, titleEn, comment: both?.[3]?.trim() || comment, query: text.replace(/\s+$/, '') + '\n' };
}

/** Every `.graphql` file of queries/, in file-name order (F01… first), read now (so edits show at once). */
export async function loadQuestions(dir = QUERIES_DIR): Promise<Question[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.graphql')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return Promise.all(files.map(async (f) => parseQuestion(f, await readFile(path.join(dir, f), 'utf8'))));
}
