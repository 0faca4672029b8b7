// How each state of a port is drawn: a colour from the Okabe-Ito palette (read apart by people
// with any common colour blindness) and a pattern, so that no state is told by colour alone.

/** One state letter of the API's map. */
export type StateLetter = 'c' | 'm' | 'f' | 'h' | 'r' | 'd' | '.';

/** What a state is called, the CSS variable that colours it, and its pattern. */
export interface StateLook {
  letter: StateLetter;
  label: string;
  colour: string;
  pattern: 'cross' | 'stripes' | 'dot' | 'solid' | 'bar' | 'corner' | 'none';
}

/** Every state, worst first, as the legend lists them. */
export const STATES: readonly StateLook[] = [
  { letter: 'c', label: 'conflict', colour: '--state-conflict', pattern: 'cross' },
  { letter: 'm', label: 'other port in another cluster', colour: '--state-mismatch', pattern: 'stripes' },
  { letter: 'f', label: 'held by a service of another range', colour: '--state-foreign', pattern: 'dot' },
  { letter: 'h', label: 'held', colour: '--state-held', pattern: 'solid' },
  { letter: 'r', label: 'reserved', colour: '--state-reserved', pattern: 'bar' },
  { letter: 'd', label: 'free, in the dynamic NodePort band', colour: '--state-dynamic', pattern: 'corner' },
  { letter: '.', label: 'free', colour: '--state-free', pattern: 'none' },
];

const byLetter = new Map(STATES.map((look) => [look.letter, look]));

/** The look of a state letter. */
export function lookOf(letter: string): StateLook {
  return byLetter.get(letter as StateLetter) ?? STATES[STATES.length - 1]!;
}

/** The page's colours, read once per paint from its CSS variables (light or dark). */
export function paletteOf(element: Element): Record<string, string> {
  const style = getComputedStyle(element);
  const palette: Record<string, string> = {};
  for (const name of ['--state-conflict', '--state-mismatch', '--state-foreign', '--state-held', '--state-reserved', '--state-dynamic', '--state-free', '--mark', '--ink', '--surface']) {
    palette[name] = style.getPropertyValue(name).trim() || '#888';
  }
  return palette;
}

/** Paints one cell at (x, y), `size` pixels square, in its colour and pattern. */
export function paintCell(context: CanvasRenderingContext2D, letter: string, x: number, y: number, size: number, palette: Record<string, string>): void {
  const look = lookOf(letter);
  context.fillStyle = palette[look.colour]!;
  context.fillRect(x, y, size, size);
  context.strokeStyle = palette['--mark']!;
  context.fillStyle = palette['--mark']!;
  context.lineWidth = Math.max(1, size / 8);
  const end = size - 1;
  switch (look.pattern) {
    case 'cross':
      context.beginPath();
      context.moveTo(x + 1, y + 1);
      context.lineTo(x + end, y + end);
      context.moveTo(x + end, y + 1);
      context.lineTo(x + 1, y + end);
      context.stroke();
      break;
    case 'stripes':
      context.beginPath();
      context.moveTo(x, y + end);
      context.lineTo(x + end, y);
      context.stroke();
      break;
    case 'dot':
      context.beginPath();
      context.arc(x + size / 2, y + size / 2, Math.max(1, size / 5), 0, Math.PI * 2);
      context.fill();
      break;
    case 'bar':
      context.fillRect(x, y + size / 2 - context.lineWidth / 2, size, context.lineWidth);
      break;
    case 'corner':
      context.beginPath();
      context.moveTo(x, y);
      context.lineTo(x + size / 2, y);
      context.lineTo(x, y + size / 2);
      context.fill();
      break;
    default:
      break;
  }
}

/** The ports of a range's text ("80, 443", "30000-30099"), for telling which range holds a port. */
export function spansOf(ports: string): { from: number; to: number }[] {
  return ports.split(',').map((part) => {
    const [from, to] = part.trim().split('-').map(Number);
    return { from: from!, to: to ?? from! };
  });
}
