import { memo, useState } from 'react';
import Markdown from 'react-markdown';
import { finishedBlocks } from '../timeline';

/**
 * An answer being written: its finished Markdown blocks, each parsed once, and the text after
 * them as it comes. The whole answer is parsed once, when it is finished.
 */
export function StreamingAnswer({ text }: { text: string }): React.JSX.Element {
  // Scanned on from where the scan of the last frame stopped (React's "state from the previous
  // render"): the finished blocks render again only when one is added.
  const [scan, setScan] = useState(() => finishedBlocks(text));
  let current = scan;
  if (scan.text !== text) {
    current = finishedBlocks(text, scan);
    setScan(current);
  }
  return (
    <>
      <FinishedBlocks blocks={current.blocks} />
      <div className="streaming">{current.rest}</div>
    </>
  );
}

const FinishedBlocks = memo(function FinishedBlocks({ blocks }: { blocks: string[] }): React.JSX.Element {
  return (
    <>
      {blocks.map((block, i) => (
        <MarkdownBlock key={i} text={block} />
      ))}
    </>
  );
});

const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }): React.JSX.Element {
  return <Markdown>{text}</Markdown>;
});
