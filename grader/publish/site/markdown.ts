/**
 * Markdown and code as the site shows them: markdown-it (instructor-authored
 * cells, so inline HTML is allowed) with fenced code and code cells highlighted
 * by highlight.js's TypeScript grammar, and links between notebooks pointed at
 * their pages.
 */
import { createRequire } from "node:module";
import MarkdownIt from "markdown-it";
import { escapeHtml } from "./html.js";

/**
 * highlight.js, typed here with only what the site uses: its own types pull in
 * the DOM lib (`/// <reference lib="dom" />`), whose globals then shadow Node's
 * for the whole build (AbortSignal.any disappears, for one).
 */
interface Highlighter {
  getLanguage(name: string): unknown;
  highlight(code: string, options: { language: string; ignoreIllegals: boolean }): { value: string };
}
const hljs = createRequire(import.meta.url)("highlight.js") as Highlighter;

/** Highlighted TypeScript as HTML (hljs spans), for a code cell. */
export function highlightCode(code: string, language = "typescript"): string {
  const grammar = hljs.getLanguage(language) ? language : "typescript";
  return hljs.highlight(code, { language: grammar, ignoreIllegals: true }).value;
}

/**
 * Where a link to another notebook goes on the site: given a link's file name
 * (`03-shared-memory.ipynb`), the page's path relative to the current page, or
 * undefined to leave the link as written.
 */
export type LinkMap = (fileName: string) => string | undefined;

/** A configured markdown-it instance. */
export type Markdown = InstanceType<typeof MarkdownIt>;

export function markdownRenderer(links: LinkMap): Markdown {
  const md = new MarkdownIt({
    html: true,
    linkify: false,
    typographer: false,
    highlight: (code, language) => {
      const name = language.trim().toLowerCase();
      if (!name || !hljs.getLanguage(name)) return "";
      return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
    },
  });
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
  md.renderer.rules.link_open = (tokens, index, options, env, self) => {
    const token = tokens[index]!;
    const attribute = token.attrGet("href");
    const href = attribute === null ? "" : String(attribute);
    if (href && !/^[a-z][a-z0-9+.-]*:/i.test(href)) {
      const [path = "", anchor] = href.split("#", 2);
      const file = path.split("/").at(-1) ?? "";
      if (file.endsWith(".ipynb")) {
        const page = links(file);
        if (page) token.attrSet("href", anchor ? `${page}#${anchor}` : page);
      }
    }
    return defaultLinkOpen(tokens, index, options, env, self);
  };
  // A fence without a known language still gets the hljs class, so it is styled like the rest.
  const defaultFence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const token = tokens[index]!;
    if (!token.info.trim()) return `<pre><code class="hljs">${escapeHtml(token.content)}</code></pre>\n`;
    return defaultFence(tokens, index, options, env, self).replace(/^<pre><code class="/, '<pre><code class="hljs ');
  };
  return md;
}

/** The text of a notebook's first heading, without markdown syntax: its title. */
export function notebookTitle(markdownSources: readonly string[], fallback: string): string {
  for (const source of markdownSources) {
    const heading = /^#{1,2}\s+(.+)$/m.exec(source);
    if (heading) return heading[1]!.replace(/[*_`]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").trim();
  }
  return fallback;
}
