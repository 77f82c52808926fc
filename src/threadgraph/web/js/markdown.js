// Message text to safe HTML. Three walls, so that nothing in a message can run script:
//  1. marked's raw-HTML tokens are escaped: <b> or <script> in a message shows as text;
//  2. DOMPurify (HTML profile only: no SVG or MathML; no style attributes, forms, frames)
//     cleans the result, and only http(s), mailto and same-page links survive; images
//     become plain links so that no message can make the browser fetch anything;
//  3. the page's Content-Security-Policy (api/web.py) allows only the app's own scripts.
import { Marked } from "/static/vendor/marked.esm.js";
import DOMPurify from "/static/vendor/purify.es.js";
import hljs from "/static/vendor/highlight.min.js";
import { copyButton, el } from "./ui.js";

const escapeHtml = (text) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const SAFE_URL = /^(https?:|mailto:|#)/i;

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => {
      const label = escapeHtml(text || "image");
      return SAFE_URL.test(href || "") ? `<a href="${escapeHtml(href)}">[image: ${label}]</a>` : `[image: ${label}]`;
    },
    code: ({ text, lang }) => {
      const language = (lang || "").split(/\s/)[0];
      const html = language && hljs.getLanguage(language)
        ? hljs.highlight(text, { language, ignoreIllegals: true }).value
        : escapeHtml(text);
      const label = language ? ` data-lang="${escapeHtml(language)}"` : "";
      return `<pre${label}><code class="hljs">${html}</code></pre>\n`;
    },
  },
});

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    const href = node.getAttribute("href") || "";
    if (!SAFE_URL.test(href)) node.removeAttribute("href");
    else if (!href.startsWith("#")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer nofollow");
    }
  }
});

const PURIFY = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "img", "video", "audio", "iframe"],
  FORBID_ATTR: ["style", "srcset", "action", "formaction"],
  ADD_ATTR: ["target"],
};

// Puts rendered Markdown into an element without assigning a raw string to innerHTML:
// DOMPurify hands back a DocumentFragment.
export function setMarkdown(element, text) {
  const fragment = DOMPurify.sanitize(marked.parse(text || ""), { ...PURIFY, RETURN_DOM_FRAGMENT: true });
  // Each code block gets its own copy button (added after cleaning: it is ours, not the
  // message's, and copies the code's text exactly as written).
  for (const pre of fragment.querySelectorAll("pre")) {
    const block = el("div", { class: "code-block" });
    pre.replaceWith(block);
    block.append(pre, copyButton(() => pre.textContent, "Copy code"));
  }
  element.replaceChildren(fragment);
}
