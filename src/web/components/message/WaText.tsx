import { useMemo, type ReactNode } from 'react';
import { parseWhatsApp, type WaNode } from '../../lib/format-wa.ts';

function render(nodes: WaNode[], prefix: string): ReactNode[] {
  return nodes.map((n, i) => {
    const key = `${prefix}.${i}`;
    switch (n.kind) {
      case 'text':
        return n.text;
      case 'bold':
        return <strong key={key}>{render(n.children, key)}</strong>;
      case 'italic':
        return <em key={key}>{render(n.children, key)}</em>;
      case 'strike':
        return <s key={key}>{render(n.children, key)}</s>;
      case 'code':
        return n.block ? (
          <pre key={key} className="wa-pre">
            {n.text}
          </pre>
        ) : (
          <code key={key}>{n.text}</code>
        );
      case 'link':
        return (
          <a key={key} href={n.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {n.text}
          </a>
        );
    }
  });
}

/** Customer or agent text with WhatsApp formatting, as React elements (never HTML). */
export function WaText({ text, className }: { text: string; className?: string }) {
  const nodes = useMemo(() => parseWhatsApp(text), [text]);
  return <span className={className ?? 'wa-text'}>{render(nodes, 'n')}</span>;
}
