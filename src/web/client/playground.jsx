// The planners' playground: GraphiQL 5 with the registry's questions (queries/*.graphql) preloaded,
// a key field remembered in this browser, and nothing loaded from anywhere but this API.
// Bundled by src/web/bundle.ts (esbuild); not type-checked by tsc (browser code).
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './playground.css';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { pick, useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { GraphiQL } from 'graphiql';
import { parse } from 'graphql';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

const KEY_STORAGE = 'yuhang-registry:api-key';
const ASSETS = document.querySelector('meta[name="yhr-assets"]')?.getAttribute('content') ?? 'assets/playground/';
const ENDPOINT = document.querySelector('meta[name="yhr-endpoint"]')?.getAttribute('content') ?? 'graphql';

globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const file = label === 'json' ? 'json.worker.js' : label === 'graphql' ? 'graphql.worker.js' : 'editor.worker.js';
    return new Worker(new URL(ASSETS + file, document.baseURI));
  },
};

export function storedKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

function hasAuthorization(headers) {
  return Object.keys(headers ?? {}).some((h) => h.toLowerCase() === 'authorization');
}

/** POSTs to the API; adds `Authorization: Bearer <key>` unless the headers editor sets one. */
function fetcher(params, opts) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(opts?.headers ?? {}) };
  const key = storedKey();
  if (key && !hasAuthorization(headers)) headers.authorization = `Bearer ${key}`;
  return fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify(params) }).then(async (res) => {
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 500)}` }] };
    }
  });
}

function KeyBar() {
  const [key, setKey] = useState(storedKey);
  const [draft, setDraft] = useState('');
  const [note, setNote] = useState('');
  const save = (e) => {
    e.preventDefault();
    const value = draft.trim().replace(/^Bearer\s+/i, '');
    if (!value) return;
    localStorage.setItem(KEY_STORAGE, value);
    setKey(value);
    setDraft('');
    setNote('已保存，之后的请求都带上此密钥 Saved: every request now carries this key');
  };
  const clear = () => {
    localStorage.removeItem(KEY_STORAGE);
    setKey('');
    setNote('已清除，匿名只读 Cleared: anonymous, read-only');
  };
  return (
    <form className="yhr-keybar" onSubmit={save} aria-label="API key">
      <label htmlFor="yhr-key">
        API 密钥 <span lang="en">key</span>
      </label>
      {key ? (
        <span className="yhr-key-set" data-testid="key-state">
          已设置 set: <code>{key.slice(0, 8)}…</code>
        </span>
      ) : (
        <span className="yhr-key-none" data-testid="key-state">
          未设置：匿名只读 none: anonymous reads
        </span>
      )}
      <input
        id="yhr-key"
        type="password"
        autoComplete="off"
        spellCheck="false"
        placeholder="yhr_…（写入数据时需要 needed to write）"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button type="submit">保存 Save</button>
      <button type="button" onClick={clear} disabled={!key}>
        清除 Clear
      </button>
      <span className="yhr-key-note" role="status">
        {note || '只保存在本浏览器 (localStorage) Kept in this browser only'}
      </span>
    </form>
  );
}

/** The questions panel: one entry per file of queries/, each opening (and running) its operation in a tab. */
function QuestionsPanel({ questions }) {
  const { tabs, queryEditor } = useGraphiQL(pick('tabs', 'queryEditor'));
  const { addTab, changeTab, run, setOperationName } = useGraphiQLActions();
  const open = useCallback(
    (q, andRun) => {
      const index = tabs.findIndex((t) => (t.query ?? '').trim() === q.query.trim());
      if (index >= 0) changeTab(index);
      else {
        addTab();
        queryEditor?.setValue(q.query);
      }
      if (q.operationName) setOperationName(q.operationName);
      if (andRun) setTimeout(() => run(), 0);
    },
    [tabs, queryEditor, addTab, changeTab, run, setOperationName],
  );
  return (
    <div className="yhr-questions">
      <div className="graphiql-doc-explorer-title">问题 Questions</div>
      <p className="yhr-hint">
        点 ▶ 运行一个问题，结果显示在右侧。 Click ▶ to run a question; the answer appears on the right. 问题来自 <code>queries/</code> 文件夹 (from the queries/
        folder).
      </p>
      <ol className="yhr-question-list">
        {questions.map((q) => (
          <li key={q.file} data-question={q.id}>
            <button type="button" className="yhr-run" title={`运行 Run ${q.id}`} aria-label={`运行 Run ${q.id}`} onClick={() => open(q, true)}>
              ▶
            </button>
            <button type="button" className="yhr-open" onClick={() => open(q, false)} title="在标签页中打开 Open in a tab">
              <span className="yhr-qid">{q.id}</span>
              <span className="yhr-title-zh">{q.titleZh}</span>
              <span className="yhr-title-en">{q.titleEn}</span>
            </button>
            <div className="yhr-comment">{q.comment}</div>
          </li>
        ))}
      </ol>
    </div>
  );
}

function QuestionsIcon() {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M5 4h14v16H5z" />
      <path d="M8 8h8M8 12h8M8 16h5" />
    </svg>
  );
}

/**
 * Whether a document only reads: a link may ask to run its query (`&run=1`), but never a mutation,
 * which would be sent with the key stored in this browser by whoever follows the link.
 */
export function onlyQueries(text) {
  try {
    const ops = parse(text).definitions.filter((d) => d.kind === 'OperationDefinition');
    return ops.length > 0 && ops.every((d) => d.operation === 'query');
  } catch {
    return false;
  }
}

/** Runs the query given in the URL (from the dashboard's "open in the playground" links) once the editors are ready. */
function RunFromUrl({ enabled }) {
  const { queryEditor, responseEditor, schema } = useGraphiQL(pick('queryEditor', 'responseEditor', 'schema'));
  const { run } = useGraphiQLActions();
  const done = useRef(false);
  useEffect(() => {
    if (!enabled || done.current || !queryEditor || !responseEditor || !schema) return;
    done.current = true;
    setTimeout(() => run(), 0);
  }, [enabled, queryEditor, responseEditor, schema, run]);
  return null;
}

function App({ questions, fromUrl }) {
  const plugins = useMemo(
    () => [
      { title: '问题 Questions', icon: QuestionsIcon, content: () => <QuestionsPanel questions={questions} /> },
      explorerPlugin({ showAttribution: false }),
    ],
    [questions],
  );
  const defaultTabs = useMemo(() => {
    const tabs = questions.map((q) => ({ query: q.query }));
    return fromUrl ? [{ query: fromUrl.query, variables: fromUrl.variables }, ...tabs] : tabs;
  }, [questions, fromUrl]);
  return (
    <div className="yhr-page">
      <header className="yhr-header">
        <a className="yhr-brand" href="./">
          余杭区山城协作登记库 <span lang="en">Yuhang collaboration registry</span>
        </a>
        <nav>
          <a href="./">首页 Home</a>
          <a href="dashboard">数据看板 Dashboard</a>
          <a href="schema.graphql">接口结构 Schema</a>
        </nav>
        <KeyBar />
      </header>
      <main className="yhr-ide">
        <GraphiQL
          fetcher={fetcher}
          plugins={plugins}
          visiblePlugin={plugins[0]}
          defaultTabs={defaultTabs}
          initialQuery={fromUrl?.query}
          initialVariables={fromUrl?.variables}
          shouldPersistHeaders
          inputValueDeprecation
          schemaDescription
          defaultEditorToolsVisibility={Boolean(fromUrl?.variables)}
        >
          <GraphiQL.Logo>查询工作台 Playground</GraphiQL.Logo>
          <RunFromUrl enabled={Boolean(fromUrl?.run)} />
        </GraphiQL>
      </main>
    </div>
  );
}

async function start() {
  const root = document.getElementById('playground');
  const res = await fetch('playground/questions.json', { headers: { accept: 'application/json' } });
  const questions = res.ok ? await res.json() : [];
  const params = new URLSearchParams(location.search);
  const query = params.get('query');
  const fromUrl = query ? { query, variables: params.get('variables') ?? undefined, run: params.get('run') === '1' && onlyQueries(query) } : null;
  createRoot(root).render(<App questions={questions} fromUrl={fromUrl} />);
}

start().catch((e) => {
  document.getElementById('playground').textContent = `无法加载 Cannot load the playground: ${e?.message ?? e}`;
});
