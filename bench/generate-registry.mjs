// Writes a registry of CLUSTERS clusters and ALLOCATIONS port allocations, deterministically:
// node bench/generate-registry.mjs OUT [clusters=100] [allocations=100000]
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const [out = 'bench/out/registry.yaml', clusterCount = '100', allocationCount = '100000'] = process.argv.slice(2);
const clusters = Number(clusterCount);
const allocations = Number(allocationCount);
const lines = ['# yaml-language-server: $schema=../../schema/portolan.schema.json', 'version: 1', 'ranges:'];
for (let r = 0; r < 20; r++) {
  lines.push(`  team-${String(r).padStart(2, '0')}:`, `    ports: ${30000 + r * 100}-${30000 + r * 100 + 99}`, `    description: Team ${r} services`);
}
lines.push('clusters:');
for (let c = 0; c < clusters; c++) {
  lines.push(`  c-${String(c).padStart(3, '0')}:`, `    title: Cluster ${c}`, `    production: ${c % 3 === 0}`);
}
lines.push('services:');
// Each cluster holds allocations/clusters services; every 20th service has named ports, every
// 50th runs in two clusters with an override, and a few collide on purpose.
let written = 0;
for (let i = 0; written < allocations; i++) {
  const cluster = i % clusters;
  const slot = Math.floor(i / clusters);
  const port = 30000 + (slot % 2000);
  const range = `team-${String(Math.floor((port - 30000) / 100)).padStart(2, '0')}`;
  lines.push(`  svc-${String(i).padStart(6, '0')}:`, `    range: ${range}`, `    namespace: ns-${i % 40}`, `    exposure: ${cluster % 3 === 0 || i % 7 === 0 ? 'LoadBalancer' : 'NodePort'}`);
  if (i % 50 === 0) {
    lines.push(`    clusters: [c-${String(cluster).padStart(3, '0')}, c-${String((cluster + 1) % clusters).padStart(3, '0')}]`);
    lines.push('    port:', `      port: ${port}`, '      protocol: TCP', '      overrides:', `        c-${String((cluster + 1) % clusters).padStart(3, '0')}: ${port}`);
    written += 2;
  } else if (i % 20 === 0) {
    lines.push(`    clusters: [c-${String(cluster).padStart(3, '0')}]`, '    ports:', `      api: ${port}`, `      metrics: { port: ${port}, protocol: UDP }  # same number, other protocol`);
    written += 2;
  } else {
    lines.push(`    clusters: [c-${String(cluster).padStart(3, '0')}]`, `    port: ${i % 997 === 0 ? port - 1 : port}`);
    written += 1;
  }
  if (i % 3 === 0) lines.push(`    owner: team-${i % 20}@example.org`);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`${out}: ${clusters} clusters, ${written} allocations, ${(lines.join('\n').length / 1048576).toFixed(1)} MiB`);
