import { useEffect, useState } from 'preact/hooks';
import { read, segment, type ServiceView } from './api.ts';
import { LineLink } from './lines.tsx';
import { href } from './route.ts';

/** A service: its ports in every cluster, exposure, status, owner, notes, and how other clusters reach it. */
export function ServicePage({ name, version }: { name: string; version: string }) {
  const [service, setService] = useState<ServiceView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    read<ServiceView>(`/v1/services/${segment(name)}`).then(setService, (problem: Error) => (setService(null), setError(problem.message)));
  }, [name, version]);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!service) return <p class="quiet">Reading {name}…</p>;
  const facts: [string, string | null][] = [
    ['Title', service.title],
    ['Range', service.range],
    ['Namespace', service.namespace],
    ['Exposure', service.exposure],
    ['Status', service.status + (service.replacedBy ? `, replaced by ${service.replacedBy}` : '')],
    ['Owner', service.owner],
    ['Notes', service.notes],
  ];
  return (
    <section id="service" aria-labelledby="service-title">
      <h2 id="service-title">
        {service.name} <LineLink at={service.at} />
      </h2>
      <dl class="facts">
        {facts
          .filter(([, value]) => value !== null)
          .map(([label, value]) => (
            <>
              <dt key={`${label}-t`}>{label}</dt>
              <dd key={`${label}-d`}>{value}</dd>
            </>
          ))}
      </dl>
      <table class="ports">
        <caption>Ports in every cluster</caption>
        <thead>
          <tr>
            <th scope="col">Port</th>
            <th scope="col">Protocol</th>
            <th scope="col">Service port</th>
            {service.clusters.map((cluster) => (
              <th key={cluster} scope="col">
                {cluster}
              </th>
            ))}
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {service.ports.map((port) => (
            <tr key={port.name ?? 'port'}>
              <th scope="row">{port.name ?? '(port)'}</th>
              <td>{port.protocol}</td>
              <td>{port.servicePort ?? '–'}</td>
              {port.clusters.map((c) => (
                <td key={c.cluster}>
                  <a href={href('map', service.range ?? undefined, { cluster: c.cluster, port: String(c.port) })}>{c.port}</a>
                </td>
              ))}
              <td>
                <LineLink at={port.at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>How other clusters reach it</h3>
      {service.mesh.length === 0 ? (
        <p>Not exported through the mesh: other clusters reach it only at a node's address and its node port.</p>
      ) : (
        <ul>
          {service.mesh.map((route) => (
            <li key={`${route.from}-${route.to}`}>
              from <strong>{route.from}</strong> to {route.to} ({route.mode}): {route.mirror}
              {route.ports.map((p) => (p.address ? ` — ${p.address}` : p.port !== undefined ? ` — port ${p.port}` : '')).join('')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A service in a few words, for the map's selected cell: exposure, status, owner, and its ports in every cluster. */
export function ServiceCard({ name, version }: { name: string; version: string }) {
  const [service, setService] = useState<ServiceView | null>(null);
  useEffect(() => {
    read<ServiceView>(`/v1/services/${segment(name)}`).then(setService, () => setService(null));
  }, [name, version]);
  if (!service) return null;
  const ports = service.ports.map((port) => `${port.name ? `${port.name} ` : ''}${port.clusters.map((c) => `${c.port} in ${c.cluster}`).join(', ')}`).join('; ');
  return (
    <p class="service-card" data-service={service.name}>
      {service.title ?? service.name}: {service.exposure}, {service.status}
      {service.owner ? `, owner ${service.owner}` : ''}; ports {ports}
      {service.mesh.length > 0 ? `; reached through the mesh from ${[...new Set(service.mesh.map((route) => route.from))].join(', ')}` : ''}
      {service.notes ? <span class="quiet"> — {service.notes}</span> : null}
    </p>
  );
}
