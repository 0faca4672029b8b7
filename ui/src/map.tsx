import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { read, segment, type Finding, type MapSummary, type RangeCells } from './api.ts';
import { lookOf, paintCell, paletteOf, STATES } from './cells.ts';
import { findingsAt, href } from './route.ts';
import { ServiceCard } from './service.tsx';

/** A cell the map points at: a range's port in a cluster. */
export interface MapFocus {
  range: string;
  cluster: string;
  port: number;
}

const CELL = 12;
const GAP = 1;
const LABEL = 120;
const HEADER = 18;

/** Sizes a canvas for the screen's pixel ratio and returns its context, scaled to CSS pixels. */
function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.ceil(width * ratio);
  canvas.height = Math.ceil(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/** The legend: each state's swatch, drawn as the map draws it, and its name. */
export function Legend() {
  return (
    <ul class="legend" aria-label="What the cells mean">
      {STATES.map((look) => (
        <li key={look.letter}>
          <Swatch letter={look.letter} />
          {look.label}
        </li>
      ))}
    </ul>
  );
}

function Swatch({ letter }: { letter: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const context = prepare(canvas.current!, 14, 14);
    paintCell(context, letter, 0, 0, 14, paletteOf(canvas.current!));
  });
  return <canvas ref={canvas} class="swatch" aria-hidden="true" />;
}

/** The port map: one folded row a range, opened on demand; `data-drawn` says when every visible canvas is painted. */
export function PortMap({ summary, version, focus, findings, stale }: { summary: MapSummary; version: string; focus: MapFocus | null; findings: Finding[]; stale: boolean }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set(focus ? [focus.range] : []));
  const section = useRef<HTMLElement>(null);
  const pending = useRef(new Set<string>());
  useEffect(() => {
    if (focus && !open.has(focus.range)) setOpen(new Set([...open, focus.range]));
  }, [focus?.range, focus?.cluster, focus?.port]);
  // The map is drawn when the folded rows are painted (they paint in their own layout effects,
  // before this one) and every opened range has painted its grid.
  const settle = () => {
    if (pending.current.size > 0) return;
    requestAnimationFrame(() => {
      if (section.current && pending.current.size === 0) {
        section.current.dataset.drawn = version;
        performance.mark('map-drawn');
      }
    });
  };
  useLayoutEffect(() => {
    if (section.current) delete section.current.dataset.drawn;
    pending.current = new Set(open);
    settle();
  }, [version, open]);
  const toggle = (name: string) => setOpen(open.has(name) ? new Set([...open].filter((n) => n !== name)) : new Set([...open, name]));
  return (
    <section ref={section} id="map" class={stale ? 'stale' : ''} aria-labelledby="map-title">
      <h2 id="map-title">
        Port map <span class="quiet">{summary.ranges.length} ranges, {summary.clusters.length} clusters, {summary.allocations} allocations</span>
      </h2>
      <Legend />
      <ol class="ranges">
        {summary.ranges.map((range) => {
          const opened = open.has(range.name);
          const worst = range.worst.split('').map(lookOf);
          const troubles = STATES.filter((look) => ['c', 'm', 'f'].includes(look.letter) && range.counts[look.letter as 'c' | 'm' | 'f'] > 0).map((look) => `${range.counts[look.letter as 'c' | 'm' | 'f']} ${look.label}`);
          return (
            <li key={range.name} class="range" data-range={range.name}>
              <button type="button" class="fold" aria-expanded={opened} aria-controls={`range-${range.name}`} onClick={() => toggle(range.name)}>
                <span class="chevron" aria-hidden="true">{opened ? '▾' : '▸'}</span>
                <strong>{range.name}</strong> <span class="quiet">{range.ports}</span> <span>{range.used.reduce((a, b) => a + b, 0)} held of {range.size * summary.clusters.length}</span>
                {troubles.length > 0 ? <span class="troubles">: {troubles.join(', ')}</span> : null}
              </button>
              <FoldedStrip letters={range.worst} clusters={summary.clusters} label={`${range.name} by cluster: ${summary.clusters.map((c, i) => `${c} ${worst[i]!.label}`).join('; ')}`} version={version} />
              {opened ? (
                <RangeGrid
                  id={`range-${range.name}`}
                  range={range.name}
                  version={version}
                  focus={focus?.range === range.name ? focus : null}
                  findings={findings}
                  onDrawn={() => {
                    pending.current.delete(range.name);
                    settle();
                  }}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** A folded range: one cell a cluster, in the worst state it has there. */
function FoldedStrip({ letters, clusters, label, version }: { letters: string; clusters: string[]; label: string; version: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const context = prepare(canvas.current!, Math.max(1, clusters.length) * (CELL + GAP), CELL);
    const palette = paletteOf(canvas.current!);
    for (let i = 0; i < letters.length; i++) paintCell(context, letters[i]!, i * (CELL + GAP), 0, CELL, palette);
  }, [letters, version]);
  return <canvas ref={canvas} class="strip" role="img" aria-label={label} />;
}

/** An opened range: rows of clusters, columns of ports; hover and arrow keys tell a cell, a click or Enter selects it. */
function RangeGrid({ id, range, version, focus, findings, onDrawn }: { id: string; range: string; version: string; focus: MapFocus | null; findings: Finding[]; onDrawn: () => void }) {
  const [from, setFrom] = useState<number | undefined>(undefined);
  const [cells, setCells] = useState<RangeCells | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<{ row: number; column: number } | null>(null);
  const [hover, setHover] = useState<{ row: number; column: number; x: number; y: number } | null>(null);
  const [selected, setSelected] = useState<{ row: number; column: number } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    read<RangeCells>(`/v1/map/${segment(range)}${from !== undefined ? `?from=${from}` : ''}`)
      .then((answer) => current && (setCells(answer), setError(null)))
      .catch((problem: Error) => current && (setError(problem.message), onDrawn()));
    return () => {
      current = false;
    };
  }, [range, version, from]);

  // A focus from a finding's link selects its cell once the range is here.
  useEffect(() => {
    if (!cells || !focus) return;
    const row = cells.clusters.indexOf(focus.cluster);
    const column = cells.columns.indexOf(focus.port);
    if (row >= 0 && column >= 0) {
      setCursor({ row, column });
      setSelected({ row, column });
    } else if (column < 0 && from !== focus.port) setFrom(focus.port);
  }, [cells, focus?.cluster, focus?.port]);

  useLayoutEffect(() => {
    if (!cells || !canvas.current) return;
    const width = LABEL + cells.columns.length * (CELL + GAP);
    const height = HEADER + cells.clusters.length * (CELL + GAP);
    const context = prepare(canvas.current, width, height);
    const palette = paletteOf(canvas.current);
    context.clearRect(0, 0, width, height);
    context.font = '11px system-ui, sans-serif';
    context.fillStyle = palette['--ink']!;
    context.textBaseline = 'middle';
    cells.columns.forEach((port, column) => {
      if (column % 10 === 0) context.fillText(String(port), LABEL + column * (CELL + GAP), HEADER / 2);
    });
    cells.rows.forEach((row, r) => {
      const y = HEADER + r * (CELL + GAP);
      context.fillStyle = palette['--ink']!;
      context.fillText(cells.clusters[r]!.slice(0, 16), 2, y + CELL / 2);
      for (let c = 0; c < row.length; c++) paintCell(context, row[c]!, LABEL + c * (CELL + GAP), y, CELL, palette);
    });
    for (const [mark, width] of [[cursor, 2], [selected, 3]] as const) {
      if (!mark) continue;
      context.strokeStyle = palette['--ink']!;
      context.lineWidth = width;
      context.strokeRect(LABEL + mark.column * (CELL + GAP) - 1, HEADER + mark.row * (CELL + GAP) - 1, CELL + 2, CELL + 2);
    }
    requestAnimationFrame(() => {
      if (wrap.current) wrap.current.dataset.drawn = version;
      performance.mark(`range-drawn:${range}`);
      onDrawn();
    });
  }, [cells, cursor, selected]);

  if (error) return <p class="error" id={id} role="alert">{error}</p>;
  if (!cells) return <p id={id} class="quiet">Opening {range}…</p>;

  // The cell under the pointer, and where the pointer is in the wrap (the tooltip's frame, outside the scrolling part).
  const cellAt = (event: MouseEvent) => {
    const box = canvas.current!.getBoundingClientRect();
    const frame = wrap.current!.getBoundingClientRect();
    const column = Math.floor((event.clientX - box.left - LABEL) / (CELL + GAP));
    const row = Math.floor((event.clientY - box.top - HEADER) / (CELL + GAP));
    if (column < 0 || row < 0 || column >= cells.columns.length || row >= cells.clusters.length) return null;
    return { row, column, x: event.clientX - frame.left, y: event.clientY - frame.top };
  };
  const onKey = (event: KeyboardEvent) => {
    const at = cursor ?? { row: 0, column: 0 };
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-10, 0], PageDown: [10, 0], Home: [0, -at.column], End: [0, cells.columns.length] };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      setCursor({ row: Math.min(cells.clusters.length - 1, Math.max(0, at.row + move[0])), column: Math.min(cells.columns.length - 1, Math.max(0, at.column + move[1])) });
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setSelected(at);
    } else if (event.key === 'Escape') setSelected(null);
  };
  const told = cursor ? describe(cells, cursor.row, cursor.column) : '';
  return (
    <div id={id} class="grid">
      <p class="quiet">
        Ports {cells.columns[0]}–{cells.columns[cells.columns.length - 1]} of {cells.ports}. Arrow keys move, Enter selects, Escape clears.
        {cells.next !== null ? (
          <button type="button" onClick={() => setFrom(cells.next!)}>
            next ports from {cells.next}
          </button>
        ) : null}
        {from !== undefined ? (
          <button type="button" onClick={() => setFrom(undefined)}>
            first ports
          </button>
        ) : null}
      </p>
      <div ref={wrap} class="canvas-wrap" data-range={range}>
        <div class="canvas-scroll">
          <canvas
            ref={canvas}
            class="cells"
            tabIndex={0}
            role="img"
            aria-label={`${range}: ${cells.clusters.length} clusters by ${cells.columns.length} ports; focus it and use the arrow keys to read cells`}
            onMouseMove={(event) => setHover(cellAt(event))}
            onMouseLeave={() => setHover(null)}
            onClick={(event) => {
              const at = cellAt(event);
              if (at) {
                setCursor(at);
                setSelected(at);
              }
            }}
            onKeyDown={onKey}
          />
        </div>
        {hover ? (
          <div class="tooltip" role="tooltip" ref={(element) => place(element, hover.x, hover.y + 14)}>
            {describe(cells, hover.row, hover.column)}
          </div>
        ) : null}
      </div>
      <p class="sr-live" aria-live="polite">{told}</p>
      {selected ? <CellPanel cells={cells} row={selected.row} column={selected.column} findings={findings} version={version} /> : null}
    </div>
  );
}

/**
 * Puts a tooltip below the pointer at (x, y) of its frame, on the pointer's right in the frame's
 * left half and on its left in the right half; through the CSS object model, since the page's CSP
 * forbids style attributes in markup.
 */
function place(element: HTMLElement | null, x: number, y: number): void {
  if (!element?.parentElement) return;
  const width = element.parentElement.clientWidth;
  element.style.top = `${y}px`;
  if (x < width / 2) (element.style.left = `${x + 14}px`), (element.style.right = 'auto');
  else (element.style.right = `${width - x + 14}px`), (element.style.left = 'auto');
}

/** One cell in words: cluster, port, state, holders with their file:line and their other ports. */
function describe(cells: RangeCells, row: number, column: number): string {
  const cluster = cells.clusters[row]!;
  const port = cells.columns[column]!;
  const look = lookOf(cells.rows[row]![column]!);
  const holders = cells.holders.filter((h) => h.cluster === row && h.port === port);
  const who = holders.map((h) => `${h.service}${h.portName ? `/${h.portName}` : ''} (${h.range ?? 'no range'}, ${h.at}; ports ${cells.services[h.service]})`).join('; ');
  return `${cluster} ${port}: ${look.label}${who ? ` — ${who}` : ''}`;
}

/** The selected cell: its holders, each service opened in a few words with a link to all of it, and the findings about it (each a link to the finding and its lines). */
function CellPanel({ cells, row, column, findings, version }: { cells: RangeCells; row: number; column: number; findings: Finding[]; version: string }) {
  const cluster = cells.clusters[row]!;
  const port = cells.columns[column]!;
  const holders = cells.holders.filter((h) => h.cluster === row && h.port === port);
  const here = findingsAt(findings, cluster, port, holders.map((h) => h.service));
  return (
    <aside class="cell-panel" aria-label={`${cluster} ${port}`} data-cell={`${cluster}:${port}`}>
      <h3>
        {cluster} · {port} · {lookOf(cells.rows[row]![column]!).label}
      </h3>
      {holders.length === 0 ? <p>Nobody holds it.</p> : null}
      <ul>
        {holders.map((h) => (
          <li key={`${h.service}/${h.portName}`}>
            <a href={href('service', h.service)}>{h.service}</a>
            {h.portName ? `/${h.portName}` : ''} <span class="quiet">({h.range ?? 'no range'}, {h.at})</span>
            <ServiceCard name={h.service} version={version} />
          </li>
        ))}
      </ul>
      {here.length > 0 ? (
        <>
          <h4>Findings here</h4>
          <ul>
            {here.map((f) => (
              <li key={`${f.ruleId}${f.message}`}>
                <a href={href('findings', undefined, { rule: f.ruleId, port: String(port), ...(f.cluster ? { cluster: f.cluster } : {}) })}>
                  {f.severity} {f.ruleId}
                </a>
                : {f.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}
