import { mentionUrls } from './urls.ts';
import { formatSpan } from '../../core/span.ts';
import type { PortDraft, ServiceDraft } from './drafts.ts';
import { exposureOf, serviceCellOf } from './entries.ts';
import { cellsOf, isStruck, isTableSeparator, plainText, portOf, protocolOf, slugOf, spansOf } from './markdown.ts';
import { rangeNameOf, removedIn, saysFree, titleAddsNothing } from './phrases.ts';
import type { ImportState } from './reader.ts';

interface TableRow {
  /** The cells, with strikethrough marks taken off. */
  cells: string[];
  line: number;
  text: string;
  /** True when the row has struck-through text (`~~old-agent~~`): a retired entry. */
  struck: boolean;
}

/** A Markdown table, read by its header as ranges, clusters, reservations or services. */
export function readTable(state: ImportState, start: number, rows: string[]): void {
  const { kind } = state.context();
  if (rows.length < 2 || !isTableSeparator(rows[1]!)) {
    rows.forEach((row, i) => state.proseOrUnplaced(start + i, row, 'a table row outside a table with a header'));
    return;
  }
  const headers = cellsOf(rows[0]!).map((h) => plainText(h).toLowerCase());
  const column = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
  const body = rows.slice(2).map((row, i) => ({
    cells: cellsOf(row).map((cell) => cell.replace(/~~(.+?)~~/g, '$1')),
    line: start + 2 + i,
    text: row,
    struck: isStruck(row),
  }));
  // A table that gives both a Service's port and its node port: the node port is the one allocated.
  const nodePort = column(/^node ?ports?(?: ?#| number)?$/);
  const columns = {
    service: column(/^(services?|names?|apps?|applications?|components?|workloads?|service name)$/),
    port: nodePort >= 0 ? nodePort : column(/^(ports?|port ?(number|#)?)$/),
    range: column(/^range$/),
    ports: column(/^(ports|port range|span|spans)$/),
    cluster: column(/^clusters?$/),
  };
  if (kind === 'findings' || (headers.includes('rule') && headers.includes('severity'))) {
    for (let i = 0; i < rows.length; i++) state.prose.push(start + i);
    return;
  }
  if (kind === 'cross') {
    // A generated access table: each row's address is read as the document's other addresses are.
    rows.forEach((row, i) => i < 2 || !mentionUrls(state, row, start + i) ? state.prose.push(start + i) : undefined);
    return;
  }
  if (kind === 'prose' || kind === 'rules') {
    rows.forEach((row, i) => state.proseOrUnplaced(start + i, row, `a table in a section that holds no ports`));
    return;
  }
  if (columns.cluster === 0 && columns.port < 0 && columns.ports < 0) return clustersTable(state, headers, body);
  if (columns.service >= 0 && columns.port >= 0) return servicesTable(state, headers, body, columns.service, columns.port);
  if (headers.some((h) => /^reason$/.test(h)) || kind === 'reserved') return reservedTable(state, headers, body);
  if (columns.range >= 0 || columns.ports >= 0) return rangesTable(state, headers, body);
  for (const row of body) state.unplace(row.line, row.text, `a table whose columns (${headers.join(', ')}) name no ports`);
}

function rangesTable(state: ImportState, headers: string[], body: TableRow[]): void {
  const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
  const portsColumn = at(/^(ports|port range|span|spans)$/);
  const spansColumn = portsColumn >= 0 ? portsColumn : at(/^range$/);
  const nameColumn = portsColumn >= 0 && at(/^range$/) >= 0 ? at(/^range$/) : at(/^(name|id)$/);
  const purpose = at(/^(purpose|description|use|used for|what)$/);
  const examples = at(/^examples?$/);
  for (const row of body) {
    const spans = spansOf(row.cells[spansColumn] ?? '');
    if (!spans) {
      state.unplace(row.line, row.text, `"${row.cells[spansColumn] ?? ''}" is not a port or span of ports`);
      continue;
    }
    const purposeText = purpose >= 0 ? plainText(row.cells[purpose] ?? '') : '';
    const examplesText = examples >= 0 ? plainText(row.cells[examples] ?? '') : '';
    const written = nameColumn >= 0 ? plainText(row.cells[nameColumn] ?? '') : '';
    const name = (written && slugOf(written)) || rangeNameOf(purposeText) || `range-${spans[0]!.from}`;
    const description = purposeText ? (examplesText ? `${purposeText} (${examplesText})` : purposeText) : undefined;
    state.addRange({ name, spans, ...(description ? { description } : {}) }, row.line);
  }
}

function clustersTable(state: ImportState, headers: string[], body: TableRow[]): void {
  state.clusterTable = true;
  const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
  const [title, production, nodePorts, url, notes] = [at(/^title$/), at(/^production$/), at(/^node ?port range$/), at(/cross|url|address/), at(/^notes?$/)];
  for (const row of body) {
    const name = slugOf(plainText(row.cells[0] ?? ''));
    if (!name) {
      state.unplace(row.line, row.text, 'a cluster row without a name');
      continue;
    }
    const value = (column: number) => (column >= 0 ? plainText(row.cells[column] ?? '') : '');
    const span = value(nodePorts) ? spansOf(value(nodePorts)) : undefined;
    state.clusters.set(name, {
      name,
      ...(value(title) ? { title: value(title) } : {}),
      ...(/^(yes|true|✓|✔|x)$/i.test(value(production)) ? { production: true } : {}),
      ...(span && span.length === 1 && formatSpan(span[0]!) !== '30000-32767' ? { nodePortRange: formatSpan(span[0]!) } : {}),
      ...(value(url) && value(url) !== '-' ? { crossClusterUrl: value(url) } : {}),
      ...(value(notes) ? { notes: value(notes) } : {}),
    });
    if (value(url) && value(url) !== '-') state.statedPatterns.add(name);
  }
}

function reservedTable(state: ImportState, headers: string[], body: TableRow[]): void {
  const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
  const ports = Math.max(at(/^(ports?|range|port range|spans?)$/), 0);
  const clusters = at(/^clusters?$/);
  const reason = at(/^(reason|why|notes?|purpose)$/);
  for (const row of body) {
    const spans = spansOf(row.cells[ports] ?? '');
    const because = reason >= 0 ? plainText(row.cells[reason] ?? '') : '';
    if (!spans || !because) {
      state.unplace(row.line, row.text, spans ? 'a reservation without a reason' : `"${row.cells[ports] ?? ''}" is not a port or span of ports`);
      continue;
    }
    const named = clusters >= 0 ? state.clustersCell(row.cells[clusters] ?? '', row.line) : 'all';
    state.reserved.push({ spans, reason: because, clusters: named === 'all' ? [] : named });
  }
}

function servicesTable(state: ImportState, headers: string[], body: TableRow[], serviceColumn: number, portColumn: number): void {
  const context = state.context();
  const at = (pattern: RegExp) => headers.findIndex((h) => pattern.test(h));
  const columns = {
    protocol: at(/^proto(col)?$/),
    exposure: at(/^(exposure|type|service type)$/),
    clusters: at(/^clusters?$/),
    range: at(/^range$/),
    status: at(/^status$/),
    namespace: at(/^namespace$/),
    owner: at(/^(owner|team)$/),
    notes: at(/^(notes?|descriptions?|comments?|purpose|use|used for)$/),
  };
  const value = (row: TableRow, column: number) => (column >= 0 ? plainText(row.cells[column] ?? '') : '');
  let current: ServiceDraft | undefined;
  const drafts: ServiceDraft[] = [];
  for (const row of body) {
    const serviceCell = (row.cells[serviceColumn] ?? '').trim();
    const portText = plainText(row.cells[portColumn] ?? '');
    // `| 31500 | **AVAILABLE** |`: the document keeps the port free; it is noted, never a service.
    if (row.cells.some((cell, i) => i !== portColumn && saysFree(cell))) {
      const spans = spansOf(portText);
      if (spans) state.addFree(spans, row.cells.map((cell) => plainText(cell)).filter(Boolean).join(' '), row.line);
      else state.unplace(row.line, row.text, `"${portText}" is not a port or span of free ports`);
      continue;
    }
    const port = portText ? portCell(state, portText, value(row, columns.protocol), row) : undefined;
    if (portText && !port) continue;
    if (serviceCell === '' || serviceCell === '"' || serviceCell === '〃') {
      if (!current || !port) {
        state.unplace(row.line, row.text, current ? 'a row with neither service nor port' : 'a port row under no service');
        continue;
      }
      if (value(row, columns.notes)) port.notes = value(row, columns.notes);
      current.ports.push(port);
      continue;
    }
    const { name, title } = serviceCellOf(serviceCell);
    if (!name) {
      state.unplace(row.line, row.text, `"${serviceCell}" gives no service name`);
      continue;
    }
    const said = value(row, columns.status) || value(row, columns.notes);
    if (said && removedIn(said)) {
      state.decisions.push({ line: row.line, message: `${name} (${portText}) is marked as removed ("${said}"); it is left out` });
      current = undefined;
      continue;
    }
    const rowNamespace = slugOf(value(row, columns.namespace)) || context.namespace;
    // The same service on the next row of the same table: another of its ports.
    if (current && port && current.name === name && current.namespace === rowNamespace) {
      const first = current.ports[0];
      if (current.ports.length === 1 && first && first.notes === undefined && current.notes.length === 1) first.notes = current.notes.pop()!;
      if (value(row, columns.notes)) port.notes = value(row, columns.notes);
      current.ports.push(port);
      continue;
    }
    const rangeText = value(row, columns.range);
    const range = rangeText ? state.rangeFromCell(rangeText, row.line) : context.range ?? undefined;
    const status = value(row, columns.status);
    const exposure = exposureOf(value(row, columns.exposure));
    const namespace = rowNamespace;
    current = {
      name,
      ...(title && !titleAddsNothing(title, name) ? { title } : {}),
      ...(range !== undefined ? { range } : {}),
      ...(namespace ? { namespace } : {}),
      ...(exposure ? { exposure } : {}),
      ...(value(row, columns.owner) ? { owner: value(row, columns.owner) } : {}),
      clusters: columns.clusters >= 0 ? state.clustersCell(row.cells[columns.clusters] ?? '', row.line) : context.clusters ?? 'all',
      notes: value(row, columns.notes) ? [value(row, columns.notes)] : [],
      ports: port ? [port] : [],
      line: row.line,
    };
    const notes = value(row, columns.notes);
    if (status || notes) state.statusFrom(current, status || notes);
    const replacedBy = /replaced by\s+`([^`]+)`/i.exec(row.cells[columns.status] ?? '')?.[1];
    if (replacedBy) current.replacedBy = replacedBy;
    if (row.struck && current.status !== 'legacy') {
      current.status = 'legacy';
      current.notes.unshift('Struck through in the port document.');
    }
    drafts.push(current);
  }
  for (const draft of drafts) {
    if (draft.ports.length === 0) state.unplace(draft.line, state.lines[draft.line - 1]!, `service ${draft.name} has no port`);
    else state.addService(draft);
  }
}

/** Reads `30100`, `30100/UDP`, `api: 30210`, `30100 (studio: 30190)`; a bad cell is listed as not placed. */
function portCell(state: ImportState, text: string, protocolText: string, row: TableRow): PortDraft | undefined {
  const match = /^(?:([a-z0-9][-a-z0-9]*)\s*:\s*)?(\d+)(?:\s*\/\s*(\w+))?(?:\s*\(([^)]*)\))?$/i.exec(text.trim());
  const port = match ? portOf(match[2]!) : undefined;
  const protocol = protocolOf(match?.[3] ?? '') ?? protocolOf(protocolText);
  if (!match || port === undefined || (match[3] && !protocolOf(match[3]))) {
    state.unplace(row.line, row.text, `"${text}" is not a port (1-65535), \`name: port\` or \`port (cluster: port)\``);
    return undefined;
  }
  const overrides = new Map<string, number>();
  for (const part of (match[4] ?? '').split(',').filter((p) => p.trim())) {
    const override = /^\s*([\w-]+)\s*:\s*(\d+)\s*$/.exec(part);
    const number = override ? portOf(override[2]!) : undefined;
    if (!override || number === undefined) {
      state.unplace(row.line, row.text, `"${part.trim()}" is not \`cluster: port\``);
      return undefined;
    }
    overrides.set(state.clusterNamed(override[1]!, row.line), number);
  }
  return { ...(match[1] ? { name: match[1].toLowerCase() } : {}), port, ...(protocol ? { protocol } : {}), overrides };
}
