import { type ReactNode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

/** Height used before the container is measured (jsdom never measures). */
const FALLBACK_VIEWPORT = 800;

export interface VirtualListProps {
  /** Row keys in display order; rows render from keys so a changed row re-renders alone. */
  keys: readonly string[];
  rowHeight: number;
  renderRow: (key: string, index: number) => ReactNode;
  /** Rows rendered beyond each edge of the viewport. */
  overscan?: number;
  /** Called when the reader gets within `endThreshold` rows of the end. */
  onEndReached?: () => void;
  endThreshold?: number;
  /**
   * Label of the pill shown while the reader is scrolled down and rows arrived above what they
   * are reading; clicking it goes back to the top.
   */
  newAboveLabel?: (count: number) => ReactNode;
  footer?: ReactNode;
  /** Where to start (e.g. where the reader was before the list was unmounted). */
  initialScrollTop?: number;
  onScrollTopChange?: (top: number) => void;
  className?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}

/** The rows in view when the reader last scrolled, with their indexes then. */
interface Anchor {
  keys: string[];
  indexes: number[];
}

/** The shift most rows in view underwent (a row that jumped to the top does not count). */
function medianShift(anchor: Anchor, indexOf: Map<string, number>): number | null {
  const shifts: number[] = [];
  anchor.keys.forEach((key, i) => {
    const now = indexOf.get(key);
    if (now !== undefined) shifts.push(now - (anchor.indexes[i] as number));
  });
  if (shifts.length === 0) return null;
  shifts.sort((a, b) => a - b);
  return shifts[Math.floor(shifts.length / 2)] as number;
}

/**
 * A windowed list of fixed-height rows: only the rows in view (plus overscan) are in the DOM,
 * so 10,000 conversations cost as much as 20. When rows are inserted or move above the row at
 * the top of the viewport, the scroll position is shifted by the same amount: what the reader
 * looks at stays put, and a "N new" pill offers to go up. At the very top new rows simply
 * appear (the reader is watching the head of the list).
 */
export function VirtualList({
  keys,
  rowHeight,
  renderRow,
  overscan = 6,
  onEndReached,
  endThreshold = 10,
  newAboveLabel,
  footer,
  initialScrollTop = 0,
  onScrollTopChange,
  className,
  ...rest
}: VirtualListProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(initialScrollTop);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [newAbove, setNewAbove] = useState(0);
  const anchorRef = useRef<Anchor | null>(null);
  const frameRef = useRef<number | null>(null);

  const indexOf = useMemo(() => {
    const map = new Map<string, number>();
    keys.forEach((key, index) => map.set(key, index));
    return map;
  }, [keys]);

  const rememberAnchor = useCallback(
    (top: number, height: number) => {
      if (top < rowHeight / 2) {
        anchorRef.current = null; // at the head: let new rows push the list down
        return;
      }
      const first = Math.floor(top / rowHeight);
      const count = Math.max(1, Math.ceil(height / rowHeight));
      const visible = keys.slice(first, first + count);
      anchorRef.current = { keys: visible, indexes: visible.map((_, i) => first + i) };
    },
    [keys, rowHeight],
  );

  // Keep the rows in view where they were when rows above them come or go.
  useLayoutEffect(() => {
    const container = containerRef.current;
    const anchor = anchorRef.current;
    if (!container || !anchor) return;
    const shift = medianShift(anchor, indexOf);
    if (shift) {
      const top = Math.max(0, container.scrollTop + shift * rowHeight);
      container.scrollTop = top;
      setScrollTop(top);
      if (shift > 0) setNewAbove((n) => n + shift);
    }
    rememberAnchor(container.scrollTop, container.clientHeight || FALLBACK_VIEWPORT);
  }, [indexOf, rowHeight, rememberAnchor]);

  // Runs once: back to where the reader was (the rows for that position are already rendered).
  const initialTop = useRef(initialScrollTop);
  useLayoutEffect(() => {
    const container = containerRef.current;
    if (container && initialTop.current > 0) container.scrollTop = initialTop.current;
  }, []);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const measure = () => setViewport(container.clientHeight || FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(container);
    return () => observer.disconnect();
  }, []);

  useEffect(() => () => {
    if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
  }, []);

  const onScroll = useCallback(() => {
    if (frameRef.current !== null) return;
    frameRef.current = requestAnimationFrame(() => {
      frameRef.current = null;
      const top = containerRef.current?.scrollTop ?? 0;
      setScrollTop(top);
      onScrollTopChange?.(top);
      rememberAnchor(top, containerRef.current?.clientHeight || FALLBACK_VIEWPORT);
      if (top < rowHeight / 2) setNewAbove(0);
    });
  }, [rememberAnchor, rowHeight, onScrollTopChange]);

  const scrollToTop = useCallback(() => {
    setNewAbove(0);
    const container = containerRef.current;
    if (!container) return;
    if (typeof container.scrollTo === 'function') container.scrollTo({ top: 0, behavior: 'smooth' });
    else container.scrollTop = 0;
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(keys.length, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);

  useEffect(() => {
    if (onEndReached && keys.length > 0 && last >= keys.length - endThreshold) onEndReached();
  }, [last, keys.length, endThreshold, onEndReached]);

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const key = keys[index] as string;
    rows.push(
      <div
        key={key}
        role="listitem"
        className="atendo-vlist-row"
        style={{ height: rowHeight, transform: `translateY(${index * rowHeight}px)` }}
      >
        {renderRow(key, index)}
      </div>,
    );
  }

  return (
    <div className={`atendo-vlist ${className ?? ''}`}>
      {newAbove > 0 && newAboveLabel && (
        <button type="button" className="atendo-new-pill" onClick={scrollToTop} data-testid="new-conversations-pill">
          {newAboveLabel(newAbove)}
        </button>
      )}
      <div
        ref={containerRef}
        className="atendo-vlist-scroller"
        onScroll={onScroll}
        role="list"
        aria-label={rest['aria-label']}
        data-testid={rest['data-testid']}
      >
        <div style={{ height: keys.length * rowHeight, position: 'relative' }}>{rows}</div>
        {footer}
      </div>
    </div>
  );
}
